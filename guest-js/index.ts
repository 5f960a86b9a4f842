export { isTwitchChatError, type TwitchChatError } from './error'
export { status, track, tracked, untrack } from './commands'
export {
  listen,
  listenMessages,
  listenModeration,
  listenNotices,
  listenRoomState,
  listenStatus,
  type KindListenOptions,
  type ListenOptions,
  type StatusEvent,
  type UnlistenFn
} from './listen'

export type { Badge } from './generated/Badge'
export type { ChannelState } from './generated/ChannelState'
export type { ChannelStatus } from './generated/ChannelStatus'
export type { ChatEvent } from './generated/ChatEvent'
export type { ChatMessage } from './generated/ChatMessage'
export type { ConnectionStatus } from './generated/ConnectionStatus'
export type { Delivery } from './generated/Delivery'
export type { EmoteImages } from './generated/EmoteImages'
export type { EventKind } from './generated/EventKind'
export type { FollowersOnly } from './generated/FollowersOnly'
export type { Fragment } from './generated/Fragment'
export type { Lagged } from './generated/Lagged'
export type { Moderation } from './generated/Moderation'
export type { ModerationAction } from './generated/ModerationAction'
export type { NoticeEvent } from './generated/NoticeEvent'
export type { NoticeUser } from './generated/NoticeUser'
export type { Promotion } from './generated/Promotion'
export type { ReplyParent } from './generated/ReplyParent'
export type { RoomState } from './generated/RoomState'
export type { ServerNotice } from './generated/ServerNotice'
export type { SharedChat } from './generated/SharedChat'
export type { Span } from './generated/Span'
export type { StatusSnapshot } from './generated/StatusSnapshot'
export type { SubscribeOptions } from './generated/SubscribeOptions'
export type { User } from './generated/User'
export type { UserNotice } from './generated/UserNotice'
export type { UserState } from './generated/UserState'
export type { Whisper } from './generated/Whisper'
