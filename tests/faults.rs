//! The fault matrix: what the relay does when the server misbehaves, goes away or floods it,
//! and when an app tracks and subscribes in a loop. Each case runs against the bundled server
//! over loopback.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use base64::prelude::*;
use common::*;
use tauri_plugin_twitch_chat::core::{
    ChannelState, Chat, ChatConfig, ChatEvent, ConnectionStatus, EventKind, SubscribeOptions,
};
use twitch_chat_server::{ChatServer, ServerConfig};

fn status_and_messages() -> SubscribeOptions {
    SubscribeOptions {
        kinds: Some(vec![EventKind::Connection, EventKind::Message]),
        channel: None,
        replay: false,
    }
}

fn connection_states(events: &[(u64, ChatEvent)]) -> Vec<ConnectionStatus> {
    events
        .iter()
        .filter_map(|(_, event)| match event {
            ChatEvent::Connection(status) => Some(status.clone()),
            _ => None,
        })
        .collect()
}

fn connected_again(events: &[(u64, ChatEvent)]) -> bool {
    connection_states(events).iter().any(|s| {
        matches!(
            s,
            ConnectionStatus::Connected {
                may_have_missed: true
            }
        )
    })
}

#[tokio::test]
async fn a_server_that_stops_answering_pings_is_left_for_a_new_connection() {
    let server = silent_server().await;
    let config = ChatConfig {
        ping_interval: Duration::from_millis(200),
        pong_timeout: Duration::from_millis(300),
        ..test_config(&server)
    };
    let chat = Chat::start(config);
    let mut subscription = chat.subscribe(&status_and_messages());
    chat.track("quiet").unwrap();
    assert!(server.wait_for_join("quiet", PATIENCE).await);

    server.set_pong_silence(true);
    let events = events_until(&mut subscription, |events| {
        connection_states(events)
            .iter()
            .any(|s| matches!(s, ConnectionStatus::Reconnecting { .. }))
    })
    .await;
    server.set_pong_silence(false);
    let after = events_until(&mut subscription, connected_again).await;

    let reason = connection_states(&events)
        .into_iter()
        .find_map(|s| match s {
            ConnectionStatus::Reconnecting { reason, .. } => Some(reason),
            _ => None,
        });
    assert!(reason.is_some_and(|r| r.contains("PONG")));
    assert!(connected_again(&after));
    assert!(server.wait_for_joins("quiet", 2, PATIENCE).await);
    chat.shutdown().await;
    server.shutdown().await;
}

#[tokio::test]
async fn refused_connections_back_off_and_recover_when_the_server_returns() {
    let server = silent_server().await;
    let chat = relay(&server);
    let mut subscription = chat.subscribe(&status_and_messages());
    chat.track("patient").unwrap();
    assert!(server.wait_for_join("patient", PATIENCE).await);

    server.set_refusing(true);
    server.drop_all();
    let refused = events_until(&mut subscription, |events| {
        connection_states(events)
            .iter()
            .filter(|s| matches!(s, ConnectionStatus::Reconnecting { .. }))
            .count()
            >= 5
    })
    .await;
    server.set_refusing(false);
    let recovered = events_until(&mut subscription, connected_again).await;

    let delays: Vec<u64> = connection_states(&refused)
        .into_iter()
        .filter_map(|s| match s {
            ConnectionStatus::Reconnecting { retry_in_ms, .. } => Some(retry_in_ms),
            _ => None,
        })
        .collect();
    // 50 ms doubling, capped at 400 ms, each shortened by up to a quarter for jitter.
    assert!(delays.iter().all(|d| *d <= 400), "{delays:?}");
    assert!(delays.last() > delays.first(), "no backoff: {delays:?}");
    assert!(
        server.connections_opened() < 20,
        "a busy loop of reconnects"
    );
    assert!(connected_again(&recovered));
    assert!(server.wait_for_joins("patient", 2, PATIENCE).await);
    chat.shutdown().await;
    server.shutdown().await;
}

#[tokio::test]
async fn a_server_restart_between_two_messages_rejoins_every_channel() {
    let first = silent_server().await;
    let address = first.addr();
    let chat = relay(&first);
    let mut subscription = chat.subscribe(&status_and_messages());
    chat.track("north").unwrap();
    chat.track("south").unwrap();
    assert!(first.wait_for_join("south", PATIENCE).await);
    first.send_privmsg("north", "viewer", "before");
    messages(&mut subscription, 1).await;

    first.shutdown().await;
    let second = ChatServer::start(ServerConfig {
        bind: address,
        ..ServerConfig::default()
    })
    .await
    .expect("the server restarts on the same port");
    assert!(second.wait_for_join("north", PATIENCE).await);
    assert!(second.wait_for_join("south", PATIENCE).await);
    second.send_privmsg("south", "viewer", "after");
    let after = messages(&mut subscription, 1).await;

    assert_eq!(after[0].text, "after");
    chat.shutdown().await;
    second.shutdown().await;
}

#[tokio::test]
async fn two_hundred_channels_join_within_the_rate_limit() {
    let server = silent_server().await;
    let config = ChatConfig {
        join_limit: 20,
        join_window: Duration::from_millis(400),
        ..test_config(&server)
    };
    let chat = Chat::start(config);

    for index in 0..200 {
        chat.track(&format!("channel_{index}")).unwrap();
    }
    for index in 0..200 {
        assert!(
            server
                .wait_for_join(&format!("channel_{index}"), PATIENCE)
                .await
        );
    }

    let joins = server.joins();
    assert_eq!(joins.len(), 200);
    for (index, join) in joins.iter().enumerate() {
        let window_end = join.at + Duration::from_millis(390);
        let in_window = joins[index..]
            .iter()
            .take_while(|j| j.at < window_end)
            .count();
        assert!(in_window <= 20, "{in_window} JOINs within one window");
    }
    chat.shutdown().await;
    server.shutdown().await;
}

#[tokio::test]
async fn track_and_subscribe_cycles_leave_nothing_behind() {
    let server = silent_server().await;
    let chat = relay(&server);
    chat.track("anchor").unwrap();
    assert!(server.wait_for_join("anchor", PATIENCE).await);
    let tasks_before = tokio::runtime::Handle::current()
        .metrics()
        .num_alive_tasks();

    for index in 0..1000 {
        let channel = format!("cycle_{}", index % 7);
        chat.track(&channel).unwrap();
        chat.untrack(&channel).unwrap();
    }
    for _ in 0..1000 {
        let subscription = chat.subscribe(&SubscribeOptions::default());
        assert!(chat.unsubscribe(subscription.id()));
    }
    let mut subscription = chat.subscribe(&SubscribeOptions {
        kinds: Some(vec![EventKind::Message]),
        channel: Some("anchor".into()),
        replay: false,
    });
    server.send_privmsg("anchor", "viewer", "after the cycles");
    let received = messages(&mut subscription, 1).await;

    assert_eq!(received[0].text, "after the cycles");
    assert_eq!(chat.tracked().len(), 1);
    assert_eq!(chat.subscriber_count(), 1);
    assert_eq!(
        tokio::runtime::Handle::current()
            .metrics()
            .num_alive_tasks(),
        tasks_before
    );
    chat.shutdown().await;
    server.shutdown().await;
}

#[tokio::test]
async fn a_flood_of_membership_lines_delivers_nothing_and_keeps_the_connection() {
    let server = silent_server().await;
    let chat = relay(&server);
    let mut subscription = chat.subscribe(&SubscribeOptions::default());
    chat.track("crowded").unwrap();
    assert!(server.wait_for_join("crowded", PATIENCE).await);

    let mut flood = Vec::new();
    for index in 0..20_000 {
        let user = format!("lurker{index}");
        flood.extend_from_slice(
            format!(":{user}!{user}@{user}.tmi.twitch.tv JOIN #crowded\r\n:{user}!{user}@{user}.tmi.twitch.tv PART #crowded\r\n")
                .as_bytes(),
        );
    }
    server.send_raw(&flood);
    let id = server.send_privmsg("crowded", "viewer", "after the crowd");
    let events = events_until(&mut subscription, |e| !chat_messages(e).is_empty()).await;

    assert_eq!(chat_messages(&events)[0].id, id);
    let left = events.iter().filter(|(_, e)| {
        matches!(e, ChatEvent::Channel(s) if matches!(s.state, ChannelState::Parted | ChannelState::Failed { .. }))
    });
    assert_eq!(left.count(), 0, "other users' PARTs were taken for ours");
    assert_eq!(server.connections_opened(), 1);
    assert!(chat.stats().lines >= 40_000);
    chat.shutdown().await;
    server.shutdown().await;
}

#[tokio::test]
async fn every_malformed_corpus_line_is_survived_on_the_wire() {
    let corpus = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/corpus/twitch-irc-corpus.jsonl"
    ))
    .unwrap();
    let server = silent_server().await;
    let chat = relay(&server);
    let mut subscription = chat.subscribe(&SubscribeOptions {
        kinds: Some(vec![EventKind::Message]),
        channel: None,
        replay: false,
    });
    chat.track("test_stream").unwrap();
    assert!(server.wait_for_join("test_stream", PATIENCE).await);

    let mut hostile = 0;
    for entry in corpus.lines() {
        let entry: serde_json::Value = serde_json::from_str(entry).unwrap();
        let kind = entry["kind"].as_str().unwrap_or_default();
        if kind != "malformed" && kind != "framing" {
            continue;
        }
        hostile += 1;
        let bytes = match entry["raw_bytes_b64"].as_str() {
            Some(encoded) => BASE64_STANDARD.decode(encoded).unwrap(),
            None => entry["raw"].as_str().unwrap().as_bytes().to_vec(),
        };
        server.send_line("test_stream", &bytes);
    }
    let id = server.send_privmsg("test_stream", "viewer", "after the hostile lines");
    let received = messages(&mut subscription, 1).await;

    assert!(hostile >= 3);
    assert_eq!(received[0].id, id, "a hostile line was delivered");
    assert_eq!(chat.stats().lines_malformed, hostile);
    assert_eq!(server.connections_opened(), 1);
    chat.shutdown().await;
    server.shutdown().await;
}

#[tokio::test]
async fn a_tls_endpoint_that_speaks_plain_text_is_reported_and_retried() {
    let server = silent_server().await;
    let plain = test_config(&server).endpoint;
    let config = ChatConfig {
        endpoint: tauri_plugin_twitch_chat::core::Endpoint { tls: true, ..plain },
        ..test_config(&server)
    };
    let chat = Chat::start(config);
    let mut subscription = chat.subscribe(&status_and_messages());

    chat.track("secure").unwrap();
    let events = events_until(&mut subscription, |events| {
        connection_states(events)
            .iter()
            .any(|s| matches!(s, ConnectionStatus::Reconnecting { .. }))
    })
    .await;

    let reason = connection_states(&events)
        .into_iter()
        .find_map(|s| match s {
            ConnectionStatus::Reconnecting { reason, .. } => Some(reason),
            _ => None,
        });
    assert!(reason.is_some_and(|r| r.contains("TLS")));
    assert!(server.joins().is_empty());
    chat.shutdown().await;
    server.shutdown().await;
}
