//! Delivery of events to subscribers: the per-channel backlog, one bounded queue per
//! subscriber, and ordered batches with a sequence number on every event.
//!
//! The connection task publishes; it never waits for a subscriber. Each subscriber drains its
//! own queue at its own pace, so one slow window cannot slow another. A subscriber that falls
//! behind loses its oldest events and is told how many in a `lagged` event, in their place.
//!
//! Backlog and subscriber list live under one lock, taken once per published chunk of lines:
//! a new subscriber copies the backlog and joins the list under that lock, so there is neither
//! a gap nor a duplicate between the replayed events and the live ones.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::Notify;

use super::channel::ChannelName;
use super::event::{ChannelState, ChatEvent, ConnectionStatus, EventKind, Lagged};

/// An event as delivery handles it: its JSON, serialized once however many subscribers
/// receive it, and the few facts that routing needs. The decoded event itself is not kept:
/// queues and backlogs hold only the JSON, which is a third of the event's size in memory.
#[derive(Debug)]
pub struct Envelope {
    /// The event's kind, for filters.
    pub kind: EventKind,
    /// The channel the event belongs to, if any, for filters and the backlog.
    pub channel: Option<Box<str>>,
    /// True for a channel status that says the channel was parted (it leaves the snapshot).
    parted: bool,
    /// The event's JSON, spliced into each subscriber's batches as it is.
    pub json: Box<str>,
}

impl Envelope {
    /// Serializes the event once.
    pub fn new(event: ChatEvent) -> Envelope {
        // Every event type serializes: plain structs, string-keyed maps, no floats.
        let json = serde_json::to_string(&event)
            .unwrap_or_else(|error| {
                log::warn!("dropping an event that does not serialize: {error}");
                String::from("null")
            })
            .into_boxed_str();
        let parted = matches!(
            &event,
            ChatEvent::Channel(status) if status.state == ChannelState::Parted
        );
        Envelope {
            kind: event.kind(),
            channel: event.channel().map(Into::into),
            parted,
            json,
        }
    }

    /// The event, decoded again from its JSON: for Rust code that consumes events (tests, the
    /// command-line tools). `None` only if the JSON was not an event to begin with.
    pub fn event(&self) -> Option<ChatEvent> {
        serde_json::from_str(&self.json).ok()
    }
}

/// One event as a subscriber receives it: the elements of the JSON array a batch becomes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct Delivery {
    /// Position in this subscription's stream: 0 first, then one more per event, so that a
    /// receiver can tell a gap.
    #[cfg_attr(test, ts(type = "number"))]
    pub seq: u64,
    pub event: ChatEvent,
}

/// What a subscriber wants.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase", default)]
pub struct SubscribeOptions {
    /// Only these kinds; `None` for all.
    pub kinds: Option<Vec<EventKind>>,
    /// Only this channel's events (events that belong to no channel still come).
    pub channel: Option<String>,
    /// Start with the backlog of the tracked channels. Defaults to true in the bindings.
    pub replay: bool,
}

/// A subscription's filter, checked for every published event.
#[derive(Debug, Clone)]
struct Filter {
    kinds: Option<HashSet<EventKind>>,
    /// The wanted channel, normalized as a channel name is; a name that is not a valid login
    /// matches no channel's events.
    channel: Option<String>,
}

impl Filter {
    fn accepts_kind(&self, kind: EventKind) -> bool {
        self.kinds
            .as_ref()
            .is_none_or(|kinds| kinds.contains(&kind))
    }

    fn accepts(&self, envelope: &Envelope) -> bool {
        if !self.accepts_kind(envelope.kind) {
            return false;
        }
        match (&self.channel, envelope.channel.as_deref()) {
            (Some(wanted), Some(channel)) => wanted.as_str() == channel,
            _ => true,
        }
    }
}

/// Sizes that shape each subscriber's queue and batches.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DeliveryLimits {
    pub backlog: usize,
    pub queue: usize,
    pub batch_events: usize,
    pub batch_bytes: usize,
    pub linger: Duration,
}

/// The events published so far that a new subscriber should see first.
struct Backlog {
    /// Recent events per channel, each with its publication number so that channels can be
    /// merged back into publication order on replay.
    channels: HashMap<ChannelName, VecDeque<(u64, Arc<Envelope>)>>,
    /// Latest connection status, sent first to a new status subscriber.
    connection: Option<Arc<Envelope>>,
    /// Latest status of each tracked channel.
    channel_status: BTreeMap<String, Arc<Envelope>>,
}

/// Shared between the publisher and the subscription's receiving end.
struct Subscriber {
    id: u64,
    filter: Filter,
    queue: Mutex<Queue>,
    /// Wakes the receiving end when events arrive or the subscription closes.
    wake: Notify,
    closed: AtomicBool,
}

struct Queue {
    events: VecDeque<Arc<Envelope>>,
    /// Events dropped since the last batch; reported as a `lagged` event before the next.
    dropped: u64,
    /// Sequence number of the next delivered event.
    next_seq: u64,
}

struct HubState {
    backlog: Backlog,
    subscribers: Vec<Arc<Subscriber>>,
    next_ordinal: u64,
    next_id: u64,
}

/// The fan-out point between the connection and every subscriber.
pub(crate) struct Hub {
    state: Mutex<HubState>,
    limits: DeliveryLimits,
}

impl Hub {
    pub(crate) fn new(limits: DeliveryLimits) -> Arc<Hub> {
        Arc::new(Hub {
            state: Mutex::new(HubState {
                backlog: Backlog {
                    channels: HashMap::new(),
                    connection: None,
                    channel_status: BTreeMap::new(),
                },
                subscribers: Vec::new(),
                next_ordinal: 0,
                next_id: 1,
            }),
            limits,
        })
    }

    /// Hands a chunk of events, in order, to the backlog and to every matching subscriber.
    pub(crate) fn publish(&self, events: Vec<Arc<Envelope>>) {
        if events.is_empty() {
            return;
        }
        let mut state = lock(&self.state);

        for envelope in &events {
            state.remember(envelope, self.limits.backlog);
        }
        for subscriber in &state.subscribers {
            let mut queue = lock(&subscriber.queue);
            let before = queue.events.len() as u64 + queue.dropped;
            for envelope in events.iter().filter(|e| subscriber.filter.accepts(e)) {
                queue.push(envelope.clone(), self.limits.queue);
            }
            let grew = queue.events.len() as u64 + queue.dropped != before;
            drop(queue);
            if grew {
                subscriber.wake.notify_one();
            }
        }
    }

    /// Forgets an untracked channel's backlog, so memory follows the tracked set.
    pub(crate) fn forget_channel(&self, channel: &ChannelName) {
        lock(&self.state).backlog.channels.remove(channel);
    }

    /// Registers a subscriber: the current status and (if asked) the backlog first, then live
    /// events.
    pub(crate) fn subscribe(self: &Arc<Self>, options: &SubscribeOptions) -> Subscription {
        let filter = Filter {
            kinds: options.kinds.as_ref().map(|k| k.iter().copied().collect()),
            channel: options.channel.as_deref().map(|channel| {
                ChannelName::parse(channel)
                    .map(|name| name.to_string())
                    .unwrap_or_else(|_| channel.to_string())
            }),
        };
        let mut state = lock(&self.state);

        let mut first = Vec::new();
        if filter.accepts_kind(EventKind::Connection) {
            first.extend(state.backlog.connection.iter().cloned());
        }
        first.extend(
            state
                .backlog
                .channel_status
                .values()
                .filter(|e| filter.accepts(e))
                .cloned(),
        );
        if options.replay {
            first.extend(state.backlog.replay(&filter));
        }

        let id = state.next_id;
        state.next_id += 1;
        let mut queue = Queue {
            events: VecDeque::new(),
            dropped: 0,
            next_seq: 0,
        };
        for envelope in first {
            queue.push(envelope, self.limits.queue);
        }
        let subscriber = Arc::new(Subscriber {
            id,
            filter,
            queue: Mutex::new(queue),
            wake: Notify::new(),
            closed: AtomicBool::new(false),
        });
        subscriber.wake.notify_one();
        state.subscribers.push(subscriber.clone());

        Subscription {
            subscriber,
            hub: Arc::downgrade(self),
            limits: self.limits,
        }
    }

    /// Ends a subscription; its receiving end returns what it still has, then `None`.
    pub(crate) fn unsubscribe(&self, id: u64) -> bool {
        let mut state = lock(&self.state);
        let Some(index) = state.subscribers.iter().position(|s| s.id == id) else {
            return false;
        };
        let subscriber = state.subscribers.swap_remove(index);
        drop(state);
        subscriber.closed.store(true, Ordering::Release);
        subscriber.wake.notify_one();
        true
    }

    /// Ends every subscription (the relay is shutting down).
    pub(crate) fn close_all(&self) {
        let subscribers = std::mem::take(&mut lock(&self.state).subscribers);
        for subscriber in subscribers {
            subscriber.closed.store(true, Ordering::Release);
            subscriber.wake.notify_one();
        }
    }

    /// How many subscriptions are open.
    pub(crate) fn subscriber_count(&self) -> usize {
        lock(&self.state).subscribers.len()
    }

    /// Events held in backlogs, across channels.
    pub(crate) fn backlog_len(&self) -> usize {
        lock(&self.state)
            .backlog
            .channels
            .values()
            .map(VecDeque::len)
            .sum()
    }
}

impl HubState {
    fn remember(&mut self, envelope: &Arc<Envelope>, capacity: usize) {
        let ordinal = self.next_ordinal;
        self.next_ordinal += 1;

        match (envelope.kind, envelope.channel.as_deref()) {
            (EventKind::Connection, _) => self.backlog.connection = Some(envelope.clone()),
            (EventKind::Channel, Some(channel)) => {
                if envelope.parted {
                    self.backlog.channel_status.remove(channel);
                } else {
                    self.backlog
                        .channel_status
                        .insert(channel.to_string(), envelope.clone());
                }
            }
            (EventKind::Lagged | EventKind::Channel, _) | (_, None) => {}
            (_, Some(channel)) => {
                let Ok(channel) = ChannelName::parse(channel) else {
                    return;
                };
                let backlog = self.backlog.channels.entry(channel).or_default();
                if backlog.len() >= capacity {
                    backlog.pop_front();
                }
                if capacity > 0 {
                    backlog.push_back((ordinal, envelope.clone()));
                }
            }
        }
    }
}

impl Backlog {
    /// The backlog events the filter accepts, merged across channels in publication order.
    fn replay(&self, filter: &Filter) -> Vec<Arc<Envelope>> {
        let mut picked: Vec<&(u64, Arc<Envelope>)> = self
            .channels
            .iter()
            .filter(|(channel, _)| {
                filter
                    .channel
                    .as_deref()
                    .is_none_or(|c| c == channel.as_str())
            })
            .flat_map(|(_, events)| events.iter())
            .filter(|(_, envelope)| filter.accepts(envelope))
            .collect();
        picked.sort_unstable_by_key(|(ordinal, _)| *ordinal);
        picked.into_iter().map(|(_, e)| e.clone()).collect()
    }
}

impl Queue {
    fn push(&mut self, envelope: Arc<Envelope>, capacity: usize) {
        if self.events.len() >= capacity.max(1) {
            self.events.pop_front();
            self.dropped += 1;
        }
        self.events.push_back(envelope);
    }
}

/// An ordered run of events for one subscriber.
#[derive(Debug)]
pub struct Batch {
    /// Sequence number of the first event; the others follow one by one.
    pub first_seq: u64,
    /// The events, oldest first.
    pub events: Vec<Arc<Envelope>>,
}

impl Batch {
    /// The batch as the page receives it: `[{"seq":N,"event":{...}}, ...]`.
    pub fn to_json(&self) -> String {
        let payload: usize = self.events.iter().map(|e| e.json.len() + 24).sum();
        let mut json = String::with_capacity(payload + 2);
        json.push('[');
        for (offset, envelope) in self.events.iter().enumerate() {
            if offset > 0 {
                json.push(',');
            }
            json.push_str("{\"seq\":");
            json.push_str(&(self.first_seq + offset as u64).to_string());
            json.push_str(",\"event\":");
            json.push_str(&envelope.json);
            json.push('}');
        }
        json.push(']');
        json
    }
}

/// The receiving end of a subscription. Dropping it ends the subscription.
pub struct Subscription {
    subscriber: Arc<Subscriber>,
    hub: Weak<Hub>,
    limits: DeliveryLimits,
}

impl Subscription {
    /// Identifies the subscription for `Chat::unsubscribe`.
    pub fn id(&self) -> u64 {
        self.subscriber.id
    }

    /// Waits for the next batch. A batch closes when it reaches the count or size limit, or a
    /// few milliseconds after its first event. `None` once the subscription has ended and its
    /// queue is drained.
    pub async fn next_batch(&mut self) -> Option<Batch> {
        loop {
            let (waiting, closed) = {
                let queue = lock(&self.subscriber.queue);
                (
                    queue.events.len() as u64 + queue.dropped,
                    self.subscriber.closed.load(Ordering::Acquire),
                )
            };
            if waiting == 0 {
                if closed {
                    return None;
                }
                self.subscriber.wake.notified().await;
                continue;
            }
            if !closed && (waiting as usize) < self.limits.batch_events {
                // Let a trickle gather into one IPC call instead of one call per event.
                tokio::time::sleep(self.limits.linger).await;
            }
            if let Some(batch) = self.take_batch() {
                return Some(batch);
            }
        }
    }

    /// Takes what is waiting right now, without waiting.
    pub fn try_next_batch(&mut self) -> Option<Batch> {
        self.take_batch()
    }

    fn take_batch(&mut self) -> Option<Batch> {
        let mut queue = lock(&self.subscriber.queue);
        let first_seq = queue.next_seq;
        let mut events = Vec::new();
        let mut bytes = 0;

        if queue.dropped > 0 {
            let dropped = std::mem::take(&mut queue.dropped);
            events.push(Arc::new(Envelope::new(ChatEvent::Lagged(Lagged {
                dropped,
            }))));
        }
        while events.len() < self.limits.batch_events {
            let Some(next) = queue.events.front() else {
                break;
            };
            if !events.is_empty() && bytes + next.json.len() > self.limits.batch_bytes {
                break;
            }
            bytes += next.json.len();
            if let Some(envelope) = queue.events.pop_front() {
                events.push(envelope);
            }
        }

        if events.is_empty() {
            return None;
        }
        queue.next_seq += events.len() as u64;
        Some(Batch { first_seq, events })
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        if let Some(hub) = self.hub.upgrade() {
            hub.unsubscribe(self.subscriber.id);
        }
    }
}

/// Locks a mutex, carrying on with the data if a panicking thread poisoned it: every update
/// under these locks leaves the state consistent between statements.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A connection status as an event, for the backlog's snapshot and for subscribers.
pub(crate) fn connection_event(status: ConnectionStatus) -> Arc<Envelope> {
    Arc::new(Envelope::new(ChatEvent::Connection(status)))
}
