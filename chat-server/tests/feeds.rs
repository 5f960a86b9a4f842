//! What the server says in a channel: the generated feed (numbered, limited, paused per
//! connection on PART), replayed corpora, and lines a test injects.

mod client;

use client::{privmsg_text, tag, text_seq, TestClient, TestResult};
use twitch_chat_server::{chat_message_id, chat_seq, room_id, ChatServer, Feed, Mix, ServerConfig};

fn generated(rate: Option<f64>, limit: Option<u64>, mix: Mix) -> ServerConfig {
    ServerConfig {
        feed: Feed::Generated { rate, limit, mix },
        ..ServerConfig::default()
    }
}

#[tokio::test]
async fn generated_feed_with_limit_delivers_exactly_n_messages_in_order() -> TestResult {
    let server = ChatServer::start(generated(None, Some(500), Mix::ChatOnly)).await?;
    let mut client = TestClient::connect(&server).await?;
    client.login("justinfan1").await?;

    client.join("forsen").await?;
    let mut lines = Vec::new();
    for _ in 0..500 {
        lines.push(client.next_line().await?);
    }
    client.send("PING :end").await?;
    let after = client.next_line().await?;

    for (seq, line) in lines.iter().enumerate() {
        let seq = seq as u64;
        assert_eq!(
            tag(line, "id"),
            Some(chat_message_id(server.instance(), "forsen", seq).as_str())
        );
        assert_eq!(text_seq(line), Some(seq), "{line}");
        assert!(line.contains(" PRIVMSG #forsen :"));
    }
    assert_eq!(
        after, ":tmi.twitch.tv PONG tmi.twitch.tv :end",
        "no line past the limit"
    );
    assert_eq!(server.sent_messages("forsen"), 500);
    server.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn realistic_feed_keeps_chat_numbered_between_events() -> TestResult {
    let server = ChatServer::start(generated(None, Some(600), Mix::Realistic)).await?;
    let mut client = TestClient::connect(&server).await?;
    client.login("justinfan1").await?;

    client.join("forsen").await?;
    let mut next_seq = 0;
    let mut events = 0;
    while next_seq < 600 {
        let line = client.next_line().await?;
        if line.contains(" PRIVMSG #forsen ") {
            assert_eq!(tag(&line, "id").and_then(chat_seq), Some(next_seq));
            next_seq += 1;
        } else {
            events += 1;
        }
    }

    assert!(events > 10, "only {events} events among 600 chat messages");
    assert_eq!(server.sent_messages("#forsen"), 600);
    server.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn channels_have_their_own_numbering_and_ids() -> TestResult {
    let server = ChatServer::start(generated(None, Some(20), Mix::ChatOnly)).await?;
    let mut client = TestClient::connect(&server).await?;
    client.login("justinfan1").await?;

    client.join("alpha").await?;
    let mut alpha = Vec::new();
    for _ in 0..20 {
        alpha.push(client.next_line().await?);
    }
    client.join("beta").await?;
    let mut beta = Vec::new();
    for _ in 0..20 {
        beta.push(client.next_line().await?);
    }

    assert_eq!(text_seq(&alpha[0]), Some(0));
    assert_eq!(text_seq(&beta[0]), Some(0));
    assert_ne!(tag(&alpha[0], "id"), tag(&beta[0], "id"));
    assert!(beta.iter().all(|l| l.contains(" PRIVMSG #beta :")));
    assert_eq!(
        tag(&beta[0], "room-id"),
        Some(room_id("beta").to_string().as_str())
    );
    server.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn a_restarted_server_numbers_from_zero_under_new_ids() -> TestResult {
    let first = ChatServer::start(generated(None, Some(1), Mix::ChatOnly)).await?;
    let address = first.addr();
    let before_restart = first_message_id(&first).await?;
    first.shutdown().await;

    let second = ChatServer::start(ServerConfig {
        bind: address,
        ..generated(None, Some(1), Mix::ChatOnly)
    })
    .await?;
    let after_restart = first_message_id(&second).await?;

    assert_eq!(chat_seq(&before_restart), Some(0));
    assert_eq!(chat_seq(&after_restart), Some(0));
    assert_ne!(before_restart, after_restart);
    assert_eq!(
        after_restart,
        chat_message_id(second.instance(), "forsen", 0)
    );
    second.shutdown().await;
    Ok(())
}

/// The `id` tag of the first chat message a fresh client of `server` reads in `#forsen`.
async fn first_message_id(server: &ChatServer) -> Result<String, Box<dyn std::error::Error>> {
    let mut client = TestClient::connect(server).await?;
    client.login("justinfan1").await?;
    client.join("forsen").await?;
    let line = client
        .line_where(|l| l.contains(" PRIVMSG #forsen "))
        .await?;
    Ok(tag(&line, "id").unwrap_or_default().to_owned())
}

#[tokio::test]
async fn part_stops_the_feed_for_that_connection_only() -> TestResult {
    let server = ChatServer::start(generated(Some(200.0), None, Mix::ChatOnly)).await?;
    let mut leaver = TestClient::connect(&server).await?;
    let mut stayer = TestClient::connect(&server).await?;
    leaver.login("justinfan1").await?;
    stayer.login("justinfan2").await?;
    leaver.join("forsen").await?;
    stayer.join("forsen").await?;
    leaver
        .line_where(|l| l.contains(" PRIVMSG #forsen "))
        .await?;

    leaver.send("PART #forsen").await?;
    leaver.line_where(|l| l.ends_with(" PART #forsen")).await?;
    leaver.send("PING :after-part").await?;
    let after_part = leaver.next_line().await?;
    let seen_before = server.sent_messages("forsen");
    let mut stayer_seq = 0;
    while stayer_seq <= seen_before + 20 {
        let line = stayer
            .line_where(|l| l.contains(" PRIVMSG #forsen "))
            .await?;
        stayer_seq = text_seq(&line).unwrap_or(0);
    }
    leaver.send("PING :later").await?;

    assert_eq!(after_part, ":tmi.twitch.tv PONG tmi.twitch.tv :after-part");
    assert_eq!(
        leaver.next_line().await?,
        ":tmi.twitch.tv PONG tmi.twitch.tv :later"
    );
    assert_eq!(server.parts().len(), 1);
    server.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn feed_pauses_while_nobody_listens_and_resumes_its_numbering() -> TestResult {
    let server = ChatServer::start(generated(Some(200.0), None, Mix::ChatOnly)).await?;
    let mut client = TestClient::connect(&server).await?;
    client.login("justinfan1").await?;
    client.join("forsen").await?;
    client
        .line_where(|l| l.contains(" PRIVMSG #forsen "))
        .await?;

    client.send("PART #forsen").await?;
    client.line_where(|l| l.ends_with(" PART #forsen")).await?;
    let sent_at_part = server.sent_messages("forsen");
    // Proving that nothing happens takes time passing: 100 ms is 20 lines at this rate.
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    client.join("forsen").await?;
    let resumed = client
        .line_where(|l| l.contains(" PRIVMSG #forsen "))
        .await?;

    let seq = text_seq(&resumed).unwrap_or(u64::MAX);
    assert!(
        (sent_at_part..=sent_at_part + 1).contains(&seq),
        "resumed at #{seq}, {sent_at_part} sent before the pause"
    );
    server.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn replay_rewrites_the_channel_and_keeps_bytes() -> TestResult {
    let corpus = vec![
        b"@id=a;room-id=22484632;tmi-sent-ts=1 :a!a@a.tmi.twitch.tv PRIVMSG #forsen :hello #forsen"
            .to_vec(),
        b"@room-id=22484632 :tmi.twitch.tv CLEARCHAT #forsen :a".to_vec(),
        b":b!b@b.tmi.twitch.tv PRIVMSG #forsen :\xff\xfe not utf-8".to_vec(),
    ];
    let server = ChatServer::start(ServerConfig {
        feed: Feed::Replay {
            lines: corpus,
            rate: None,
            repeat: false,
        },
        ..ServerConfig::default()
    })
    .await?;
    let mut client = TestClient::connect(&server).await?;
    client.login("justinfan1").await?;

    client.join("demo").await?;
    let first = client.next_line().await?;
    let second = client.next_line().await?;
    let third = client.next_raw_line().await?;
    client.send("PING :end").await?;

    let room = room_id("demo");
    assert_eq!(
        first,
        format!(
            "@id=a;room-id={room};tmi-sent-ts=1 :a!a@a.tmi.twitch.tv PRIVMSG #demo :hello #forsen"
        )
    );
    assert_eq!(
        second,
        format!("@room-id={room} :tmi.twitch.tv CLEARCHAT #demo :a")
    );
    assert_eq!(
        third,
        Some(b":b!b@b.tmi.twitch.tv PRIVMSG #demo :\xff\xfe not utf-8".to_vec())
    );
    assert_eq!(
        client.next_line().await?,
        ":tmi.twitch.tv PONG tmi.twitch.tv :end"
    );
    assert_eq!(server.sent_messages("demo"), 2);
    server.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn replay_with_repeat_starts_over() -> TestResult {
    let server = ChatServer::start(ServerConfig {
        feed: Feed::Replay {
            lines: vec![
                b":a!a@a PRIVMSG #x :one".to_vec(),
                b":a!a@a PRIVMSG #x :two".to_vec(),
            ],
            rate: Some(500.0),
            repeat: true,
        },
        ..ServerConfig::default()
    })
    .await?;
    let mut client = TestClient::connect(&server).await?;
    client.login("justinfan1").await?;

    client.join("loop").await?;
    let mut texts = Vec::new();
    for _ in 0..5 {
        let line = client.next_line().await?;
        texts.push(privmsg_text(&line).unwrap_or_default().to_owned());
    }

    assert_eq!(texts, ["one", "two", "one", "two", "one"]);
    server.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn injected_lines_reach_joined_connections() -> TestResult {
    let server = ChatServer::start(ServerConfig::default()).await?;
    let mut client = TestClient::connect(&server).await?;
    client.login("justinfan1").await?;
    client.join("forsen").await?;

    let id = server.send_privmsg("#forsen", "Tester", "hi Kappa");
    server.send_line("forsen", b":tmi.twitch.tv NOTICE #forsen :custom");
    server.send_line("elsewhere", b":tmi.twitch.tv NOTICE #elsewhere :not for us");
    server.send_raw(b"PING :half");
    server.send_raw(b"-line\r\n\xff\r\n");

    let privmsg = client.next_line().await?;
    assert_eq!(tag(&privmsg, "id"), Some(id.as_str()));
    assert_eq!(tag(&privmsg, "emotes"), Some("25:3-7"));
    assert_eq!(privmsg_text(&privmsg), Some("hi Kappa"));
    assert_eq!(
        client.next_line().await?,
        ":tmi.twitch.tv NOTICE #forsen :custom"
    );
    assert_eq!(client.next_line().await?, "PING :half-line");
    assert_eq!(client.next_raw_line().await?, Some(vec![0xff]));
    assert_eq!(server.sent_messages("forsen"), 1);
    server.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn generated_timestamps_are_wall_clock_time() -> TestResult {
    let server = ChatServer::start(generated(Some(50.0), Some(3), Mix::ChatOnly)).await?;
    let mut client = TestClient::connect(&server).await?;
    client.login("justinfan1").await?;
    let before = now_ms();

    client.join("forsen").await?;
    let line = client.next_line().await?;
    let after = now_ms();

    let sent: u64 = tag(&line, "tmi-sent-ts").unwrap_or_default().parse()?;
    assert!(
        (before..=after).contains(&sent),
        "{before} <= {sent} <= {after}"
    );
    server.shutdown().await;
    Ok(())
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}
