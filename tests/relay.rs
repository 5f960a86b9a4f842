//! The chat core against the bundled server over loopback: tracking, delivery, backlog,
//! bounded queues and faults, with twitch-irc's parser, real TCP and no Tauri runtime.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::*;
use tauri_plugin_twitch_chat::core::{
    ChannelState, Chat, ChatConfig, ChatEvent, ConnectionStatus, EventKind, SubscribeOptions,
};
use twitch_chat_server::{ChatServer, ServerConfig};

fn only(kinds: &[EventKind]) -> SubscribeOptions {
    SubscribeOptions {
        kinds: Some(kinds.to_vec()),
        channel: None,
        replay: false,
    }
}

#[tokio::test]
async fn track_delivers_every_message_in_order() {
    let server = chatty_server(Some(500.0), Some(200)).await;
    let chat = relay(&server);
    let mut subscription = chat.subscribe(&only(&[EventKind::Message]));

    chat.track("#Ordered_Channel").unwrap();
    let received = messages(&mut subscription, 200).await;

    let seqs: Vec<u64> = received.iter().map(seq_of).collect();
    assert_eq!(seqs, (0..200).collect::<Vec<_>>());
    assert!(received.iter().all(|m| m.channel == "ordered_channel"));
    chat.shutdown().await;
    server.shutdown().await;
}

#[tokio::test]
async fn sequence_numbers_increase_by_one_across_batches() {
    let server = chatty_server(None, Some(3000)).await;
    let chat = relay(&server);
    let mut subscription = chat.subscribe(&SubscribeOptions::default());

    chat.track("flood").unwrap();
    let events = events_until(&mut subscription, |e| chat_messages(e).len() >= 3000).await;

    let seqs: Vec<u64> = events.iter().map(|(seq, _)| *seq).collect();
    assert_eq!(seqs, (0..seqs.len() as u64).collect::<Vec<_>>());
    chat.shutdown().await;
    server.shutdown().await;
}

#[tokio::test]
async fn untrack_stops_only_that_channel() {
    let server = chatty_server(Some(200.0), None).await;
    let chat = relay(&server);
    let mut subscription = chat.subscribe(&only(&[EventKind::Message]));
    chat.track("stays").unwrap();
    chat.track("goes").unwrap();
    events_until(&mut subscription, |events| {
        let seen = chat_messages(events);
        seen.iter().any(|m| m.channel == "stays") && seen.iter().any(|m| m.channel == "goes")
    })
    .await;

    assert!(chat.untrack("GOES").unwrap());
    assert!(wait_for_part(&server, "goes").await);
    // Whatever was already queued may still arrive; after that, only "stays".
    let _ = subscription.try_next_batch();
    let later = messages(&mut subscription, 100).await;

    assert!(later.iter().all(|m| m.channel == "stays"));
    assert_eq!(
        chat.tracked()
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>(),
        ["stays"]
    );
    chat.shutdown().await;
    server.shutdown().await;
}

#[tokio::test]
async fn switching_channels_moves_the_stream() {
    let server = chatty_server(Some(200.0), None).await;
    let chat = relay(&server);
    let mut subscription = chat.subscribe(&only(&[EventKind::Message]));
    chat.track("first").unwrap();
    messages(&mut subscription, 5).await;

    chat.untrack("first").unwrap();
    chat.track("second").unwrap();
    assert!(wait_for_part(&server, "first").await);
    let _ = subscription.try_next_batch();
    let after = messages(&mut subscription, 50).await;

    assert!(
        after.iter().all(|m| m.channel == "second"),
        "a message of the old channel leaked"
    );
    chat.shutdown().await;
    server.shutdown().await;
}

#[tokio::test]
async fn tracking_twice_joins_once() {
    let server = silent_server().await;
    let chat = relay(&server);

    chat.track("twice").unwrap();
    chat.track("#TWICE").unwrap();
    assert!(server.wait_for_join("twice", PATIENCE).await);
    let mut status = chat.subscribe(&only(&[EventKind::Channel]));
    events_until(&mut status, |events| {
        events
            .iter()
            .any(|(_, e)| matches!(e, ChatEvent::Channel(s) if s.state == ChannelState::Joined))
    })
    .await;

    assert_eq!(
        server
            .joins()
            .iter()
            .filter(|j| j.channel == "twice")
            .count(),
        1
    );
    chat.shutdown().await;
    server.shutdown().await;
}

#[tokio::test]
async fn backlog_replay_has_no_gap_and_no_duplicate_at_the_seam() {
    let server = chatty_server(Some(400.0), Some(600)).await;
    let config = ChatConfig {
        backlog: 1000,
        ..test_config(&server)
    };
    let chat = Chat::start(config);
    let mut early = chat.subscribe(&only(&[EventKind::Message]));
    chat.track("seam").unwrap();
    messages(&mut early, 150).await;

    // Subscribing while the feed is still running puts the seam in the middle of it.
    let mut late = chat.subscribe(&SubscribeOptions {
        kinds: Some(vec![EventKind::Message]),
        channel: Some("seam".into()),
        replay: true,
    });
    let received = messages(&mut late, 600).await;

    let seqs: Vec<u64> = received.iter().map(seq_of).collect();
    assert_eq!(seqs, (0..600).collect::<Vec<_>>());
    chat.shutdown().await;
    server.shutdown().await;
}

#[tokio::test]
async fn a_subscriber_that_cannot_keep_up_gets_lagged_and_keeps_the_newest() {
    let server = chatty_server(None, Some(5000)).await;
    let config = ChatConfig {
        subscriber_queue: 100,
        ..test_config(&server)
    };
    let chat = Chat::start(config);
    let mut watcher = chat.subscribe(&only(&[EventKind::Message, EventKind::Lagged]));
    let mut slow = chat.subscribe(&only(&[EventKind::Message, EventKind::Lagged]));

    // The watcher keeps reading until the last message has passed through the relay; the
    // slow subscriber reads nothing meanwhile.
    chat.track("busy").unwrap();
    events_until(&mut watcher, |events| {
        chat_messages(events)
            .last()
            .is_some_and(|m| seq_of(m) == 4999)
    })
    .await;
    let events = events_until(&mut slow, |events| {
        chat_messages(events)
            .last()
            .is_some_and(|m| seq_of(m) == 4999)
    })
    .await;

    let dropped: u64 = events
        .iter()
        .filter_map(|(_, e)| match e {
            ChatEvent::Lagged(lagged) => Some(lagged.dropped),
            _ => None,
        })
        .sum();
    let delivered = chat_messages(&events).len() as u64;
    assert!(dropped > 0, "the slow subscriber never lagged");
    assert_eq!(
        dropped + delivered,
        5000,
        "every message is delivered or counted as dropped"
    );
    chat.shutdown().await;
    server.shutdown().await;
}

#[tokio::test]
async fn subscribers_get_independent_streams() {
    let server = chatty_server(Some(500.0), Some(300)).await;
    let chat = relay(&server);
    let mut everything = chat.subscribe(&only(&[EventKind::Message]));
    let mut one_channel = chat.subscribe(&SubscribeOptions {
        kinds: Some(vec![EventKind::Message]),
        channel: Some("alpha".into()),
        replay: false,
    });

    chat.track("alpha").unwrap();
    chat.track("beta").unwrap();
    let all = messages(&mut everything, 600).await;
    let alpha = messages(&mut one_channel, 300).await;

    assert!(alpha.iter().all(|m| m.channel == "alpha"));
    assert_eq!(
        alpha.iter().map(seq_of).collect::<Vec<_>>(),
        (0..300).collect::<Vec<_>>()
    );
    assert_eq!(all.iter().filter(|m| m.channel == "beta").count(), 300);
    chat.shutdown().await;
    server.shutdown().await;
}

#[tokio::test]
async fn bad_lines_are_skipped_and_counted_without_dropping_the_connection() {
    let server = silent_server().await;
    let chat = relay(&server);
    let mut subscription = chat.subscribe(&only(&[EventKind::Message]));
    chat.track("hostile").unwrap();
    assert!(server.wait_for_join("hostile", PATIENCE).await);

    server.send_raw(b"@room-id=1 :tmi.twitch.tv ROOMSTATE #hostile \r\n");
    server.send_raw(b"@badges=;id=caf\xe9 :a!a@a PRIVMSG #hostile :caf\xe9\r\n");
    server.send_raw(&vec![b'x'; 4 << 20]);
    server.send_raw(b"\r\n");
    let id = server.send_privmsg("hostile", "viewer", "still here");
    let received = messages(&mut subscription, 1).await;

    assert_eq!(received[0].id, id);
    assert_eq!(received[0].text, "still here");
    let stats = chat.stats();
    assert_eq!(stats.lines_malformed, 2, "{stats:?}");
    assert_eq!(stats.lines_too_long, 1, "{stats:?}");
    assert_eq!(
        server.connections_opened(),
        1,
        "a bad line cost the connection"
    );
    chat.shutdown().await;
    server.shutdown().await;
}

#[tokio::test]
async fn unknown_channel_fails_and_the_others_carry_on() {
    let server = ChatServer::start(ServerConfig {
        unknown_channels: vec!["gone_channel".into()],
        ..ServerConfig::default()
    })
    .await
    .unwrap();
    let chat = relay(&server);
    let mut subscription = chat.subscribe(&only(&[EventKind::Channel, EventKind::Message]));

    chat.track("gone_channel").unwrap();
    chat.track("alive").unwrap();
    assert!(server.wait_for_join("alive", PATIENCE).await);
    let id = server.send_privmsg("alive", "viewer", "hello");
    let events = events_until(&mut subscription, |events| {
        !chat_messages(events).is_empty()
            && events.iter().any(|(_, e)| {
                matches!(e, ChatEvent::Channel(s) if matches!(s.state, ChannelState::Failed { .. }))
            })
    })
    .await;

    let failed = events.iter().find_map(|(_, e)| match e {
        ChatEvent::Channel(s) if matches!(s.state, ChannelState::Failed { .. }) => Some(s),
        _ => None,
    });
    assert_eq!(failed.map(|s| s.channel.as_str()), Some("gone_channel"));
    assert_eq!(chat_messages(&events)[0].id, id);
    chat.shutdown().await;
    server.shutdown().await;
}

#[tokio::test]
async fn server_reconnect_rejoins_every_channel_and_reports_it() {
    let server = silent_server().await;
    let chat = relay(&server);
    let mut subscription = chat.subscribe(&only(&[EventKind::Connection, EventKind::Message]));
    chat.track("one").unwrap();
    chat.track("two").unwrap();
    assert!(server.wait_for_join("two", PATIENCE).await);

    server.reconnect_all();
    assert!(server.wait_for_joins("one", 2, PATIENCE).await);
    assert!(server.wait_for_joins("two", 2, PATIENCE).await);
    let id = server.send_privmsg("one", "viewer", "after the reconnect");
    let events = events_until(&mut subscription, |e| !chat_messages(e).is_empty()).await;

    assert_eq!(chat_messages(&events)[0].id, id);
    let states: Vec<&ConnectionStatus> = events
        .iter()
        .filter_map(|(_, e)| match e {
            ChatEvent::Connection(status) => Some(status),
            _ => None,
        })
        .collect();
    assert!(states
        .iter()
        .any(|s| matches!(s, ConnectionStatus::Reconnecting { .. })));
    assert!(states.iter().any(|s| matches!(
        s,
        ConnectionStatus::Connected {
            may_have_missed: true
        }
    )));
    assert_eq!(server.connections_opened(), 2);
    chat.shutdown().await;
    server.shutdown().await;
}

#[tokio::test]
async fn a_message_sent_again_after_a_reconnect_is_delivered_once() {
    let server = silent_server().await;
    let chat = relay(&server);
    let mut subscription = chat.subscribe(&only(&[EventKind::Message]));
    chat.track("dupes").unwrap();
    assert!(server.wait_for_join("dupes", PATIENCE).await);
    let line = "@badge-info=;badges=;color=;display-name=Twice;emotes=;id=0b3c1d2e-0000-4000-8000-00000000d0d0;room-id=7;tmi-sent-ts=1700000000000;user-id=9 :twice!twice@twice.tmi.twitch.tv PRIVMSG #dupes :once only";

    server.send_line("dupes", line.as_bytes());
    let first = messages(&mut subscription, 1).await;
    server.drop_all();
    assert!(server.wait_for_joins("dupes", 2, PATIENCE).await);
    server.send_line("dupes", line.as_bytes());
    let marker = server.send_privmsg("dupes", "viewer", "marker");
    let events = events_until(&mut subscription, |e| {
        chat_messages(e).iter().any(|m| m.id == marker)
    })
    .await;

    let texts: Vec<String> = chat_messages(&events).into_iter().map(|m| m.text).collect();
    assert_eq!(first[0].text, "once only");
    assert_eq!(texts, ["marker"]);
    assert_eq!(chat.stats().duplicates, 1);
    chat.shutdown().await;
    server.shutdown().await;
}

#[tokio::test]
async fn a_line_cut_off_by_a_dropped_connection_is_not_delivered() {
    let server = silent_server().await;
    let chat = relay(&server);
    let mut subscription = chat.subscribe(&only(&[EventKind::Message]));
    chat.track("cut").unwrap();
    assert!(server.wait_for_join("cut", PATIENCE).await);

    server.send_raw(b"@badges=;color=;display-name=Cut;emotes=;id=75bb;room-id=1;tmi-sent-ts=1;user-id=2 :cut!cut@cut PRIVMSG #cut :half a mess");
    tokio::time::sleep(Duration::from_millis(100)).await;
    server.drop_all();
    assert!(server.wait_for_joins("cut", 2, PATIENCE).await);
    let id = server.send_privmsg("cut", "viewer", "whole");
    let received = messages(&mut subscription, 1).await;

    assert_eq!(received[0].id, id, "the cut-off line was delivered");
    assert_eq!(chat.stats().lines_cut_off, 1);
    chat.shutdown().await;
    server.shutdown().await;
}

#[tokio::test]
async fn shutdown_parts_channels_and_ends_subscriptions() {
    let server = silent_server().await;
    let chat = relay(&server);
    let mut subscription = chat.subscribe(&only(&[EventKind::Message]));
    chat.track("leaving").unwrap();
    assert!(server.wait_for_join("leaving", PATIENCE).await);

    chat.shutdown().await;
    let ended = tokio::time::timeout(PATIENCE, subscription.next_batch()).await;

    assert!(
        matches!(ended, Ok(None)),
        "the subscription outlived the relay"
    );
    assert!(wait_for_part(&server, "leaving").await);
    assert!(chat.track("again").is_err());
    server.shutdown().await;
}

#[tokio::test]
async fn chat_after_a_reconnect_request_in_the_same_read_is_still_delivered() {
    let server = silent_server().await;
    let chat = relay(&server);
    let mut subscription = chat.subscribe(&only(&[EventKind::Message, EventKind::Channel]));
    chat.track("late_line").unwrap();
    assert!(server.wait_for_join("late_line", PATIENCE).await);
    let line = "@badge-info=;badges=;color=;display-name=Last;emotes=;id=5e1f0000-0000-4000-8000-0000000000aa;room-id=7;tmi-sent-ts=1700000000000;user-id=9 :last!last@last.tmi.twitch.tv PRIVMSG #late_line :sent after RECONNECT";

    server.send_raw(format!(":tmi.twitch.tv RECONNECT\r\n{line}\r\n").as_bytes());
    let events = events_until(&mut subscription, |events| {
        let rejoined = events
            .iter()
            .filter(|(_, e)| matches!(e, ChatEvent::Channel(s) if s.state == ChannelState::Joined));
        !chat_messages(events).is_empty() && rejoined.count() >= 2
    })
    .await;

    assert_eq!(chat_messages(&events)[0].text, "sent after RECONNECT");
    let states: Vec<&ChannelState> = events
        .iter()
        .filter_map(|(_, e)| match e {
            ChatEvent::Channel(status) => Some(&status.state),
            _ => None,
        })
        .collect();
    let joined_again = states.iter().rposition(|s| **s == ChannelState::Joined);
    let joining = states.iter().rposition(|s| **s == ChannelState::Joining);
    assert!(
        joining < joined_again,
        "no joining state between the connections: {states:?}"
    );
    assert!(server.wait_for_joins("late_line", 2, PATIENCE).await);
    chat.shutdown().await;
    server.shutdown().await;
}
