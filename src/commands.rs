//! The commands the page invokes. Each is a thin step from the page's arguments to the chat
//! core; permissions are checked by Tauri before a command runs.

use tauri::ipc::{Channel, CommandScope, GlobalScope, InvokeResponseBody};
use tauri::{command, Runtime, State, Webview};

use crate::core::{ChannelName, StatusSnapshot, SubscribeOptions};
use crate::error::{Error, Result};
use crate::scope::{self, ChannelScope};
use crate::TwitchChat;

#[command]
pub(crate) fn track(
    state: State<'_, TwitchChat>,
    command_scope: CommandScope<ChannelScope>,
    global_scope: GlobalScope<ChannelScope>,
    channel: String,
) -> Result<String> {
    let name = ChannelName::parse(&channel)?;

    let allow = command_scope.allows().iter().chain(global_scope.allows());
    let deny = command_scope.denies().iter().chain(global_scope.denies());
    if !scope::allows(allow.map(AsRef::as_ref), deny.map(AsRef::as_ref), &name) {
        return Err(Error::ChannelNotAllowed(name.to_string()));
    }

    Ok(state.chat().track(name.as_str())?.to_string())
}

#[command]
pub(crate) fn untrack(state: State<'_, TwitchChat>, channel: String) -> Result<bool> {
    Ok(state.chat().untrack(&channel)?)
}

#[command]
pub(crate) fn tracked(state: State<'_, TwitchChat>) -> Vec<String> {
    state
        .chat()
        .tracked()
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[command]
pub(crate) fn status(state: State<'_, TwitchChat>) -> StatusSnapshot {
    state.chat().status()
}

#[command]
pub(crate) fn subscribe<R: Runtime>(
    webview: Webview<R>,
    state: State<'_, TwitchChat>,
    on_event: Channel<InvokeResponseBody>,
    options: Option<SubscribeOptions>,
) -> Result<u64> {
    let mut options = options.unwrap_or(SubscribeOptions {
        replay: true,
        ..SubscribeOptions::default()
    });
    // Limitation: the channel scope limits what a window may track, not what it may read:
    // a window allowed to subscribe receives the events of every tracked channel it asks for.
    if let Some(channel) = &options.channel {
        options.channel = Some(ChannelName::parse(channel)?.to_string());
    }
    Ok(state.open_subscription(webview.label(), &options, on_event))
}

#[command]
pub(crate) fn unsubscribe<R: Runtime>(
    webview: Webview<R>,
    state: State<'_, TwitchChat>,
    id: u64,
) -> bool {
    state.close_subscription(webview.label(), id)
}

#[command]
pub(crate) fn ack<R: Runtime>(
    webview: Webview<R>,
    state: State<'_, TwitchChat>,
    id: u64,
    batches: Option<u32>,
) -> bool {
    state.acknowledge(webview.label(), id, batches.unwrap_or(1))
}
