//! The server speaks Twitch's side of IRC: capabilities, welcome, JOIN and PART, PING and
//! PONG, and survives clients that speak nonsense.

mod client;

use std::time::Duration;

use client::{TestClient, TestResult};
use twitch_chat_server::{room_id, ChatServer, ServerConfig};

#[tokio::test]
async fn handshake_acks_requested_caps_and_welcomes_the_nick() -> TestResult {
    let server = ChatServer::start(ServerConfig::default()).await?;
    let mut client = TestClient::connect(&server).await?;

    client
        .send("CAP REQ :twitch.tv/tags twitch.tv/commands")
        .await?;
    client.send("PASS oauth:whatever").await?;
    client.send("NICK justinfan12345").await?;

    let expected = [
        ":tmi.twitch.tv CAP * ACK :twitch.tv/tags twitch.tv/commands",
        ":tmi.twitch.tv 001 justinfan12345 :Welcome, GLHF!",
        ":tmi.twitch.tv 002 justinfan12345 :Your host is tmi.twitch.tv",
        ":tmi.twitch.tv 003 justinfan12345 :This server is rather new",
        ":tmi.twitch.tv 004 justinfan12345 :-",
        ":tmi.twitch.tv 375 justinfan12345 :-",
        ":tmi.twitch.tv 372 justinfan12345 :You are in a maze of twisty passages, all alike.",
        ":tmi.twitch.tv 376 justinfan12345 :>",
    ];
    for line in expected {
        assert_eq!(client.next_line().await?, line);
    }
    server.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn join_sent_before_the_welcome_is_answered_with_echo_names_and_roomstate() -> TestResult {
    let server = ChatServer::start(ServerConfig::default()).await?;
    let mut client = TestClient::connect(&server).await?;

    // All in one write, as twitch-irc does: JOIN arrives before the server sent 001.
    client
        .send_bytes(b"CAP REQ :twitch.tv/tags twitch.tv/commands\r\nNICK justinfan1\r\nJOIN #Forsen,#xqc\r\n")
        .await?;
    client
        .line_where(|l| l.starts_with(":tmi.twitch.tv 376 "))
        .await?;

    for channel in ["forsen", "xqc"] {
        let expected = [
            format!(":justinfan1!justinfan1@justinfan1.tmi.twitch.tv JOIN #{channel}"),
            format!(":justinfan1.tmi.twitch.tv 353 justinfan1 = #{channel} :justinfan1"),
            format!(":justinfan1.tmi.twitch.tv 366 justinfan1 #{channel} :End of /NAMES list"),
            format!(
                "@emote-only=0;followers-only=-1;r9k=0;room-id={};slow=0;subs-only=0 \
                 :tmi.twitch.tv ROOMSTATE #{channel}",
                room_id(channel)
            ),
        ];
        for line in expected {
            assert_eq!(client.next_line().await?, line);
        }
    }
    server.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn unknown_channel_gets_only_the_suspended_notice() -> TestResult {
    let server = ChatServer::start(ServerConfig {
        unknown_channels: vec!["#Gone".to_owned()],
        ..ServerConfig::default()
    })
    .await?;
    let mut client = TestClient::connect(&server).await?;
    client.login("justinfan7").await?;

    client.send("JOIN #gone").await?;
    client.send("PING :after-join").await?;

    assert_eq!(
        client.next_line().await?,
        "@msg-id=msg_channel_suspended :tmi.twitch.tv NOTICE #gone \
         :This channel does not exist or has been suspended."
    );
    assert_eq!(
        client.next_line().await?,
        ":tmi.twitch.tv PONG tmi.twitch.tv :after-join"
    );
    server.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn ping_is_answered_in_both_forms() -> TestResult {
    let server = ChatServer::start(ServerConfig::default()).await?;
    let mut client = TestClient::connect(&server).await?;

    client.send("PING :tmi.twitch.tv").await?;
    client.send("PING token-42").await?;

    assert_eq!(
        client.next_line().await?,
        ":tmi.twitch.tv PONG tmi.twitch.tv :tmi.twitch.tv"
    );
    assert_eq!(
        client.next_line().await?,
        ":tmi.twitch.tv PONG tmi.twitch.tv :token-42"
    );
    server.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn pong_silence_leaves_pings_unanswered_until_lifted() -> TestResult {
    let server = ChatServer::start(ServerConfig::default()).await?;
    let mut client = TestClient::connect(&server).await?;
    client.login("justinfan7").await?;

    server.set_pong_silence(true);
    client.send("PING :ignored").await?;
    client.send("JOIN #forsen").await?;
    let first = client.next_line().await?;
    client.line_where(|l| l.contains(" ROOMSTATE ")).await?;
    server.set_pong_silence(false);
    client.send("PING :answered").await?;

    assert!(first.contains(" JOIN #forsen"), "got {first}");
    assert_eq!(
        client.next_line().await?,
        ":tmi.twitch.tv PONG tmi.twitch.tv :answered"
    );
    server.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn server_pings_and_drops_a_client_that_never_answers() -> TestResult {
    let server = ChatServer::start(ServerConfig {
        ping_interval: Duration::from_millis(100),
        ..ServerConfig::default()
    })
    .await?;
    let mut polite = TestClient::connect(&server).await?;
    let mut silent = TestClient::connect(&server).await?;

    for _ in 0..3 {
        assert_eq!(polite.next_line().await?, "PING :tmi.twitch.tv");
        polite.send("PONG :tmi.twitch.tv").await?;
    }
    assert_eq!(silent.next_line().await?, "PING :tmi.twitch.tv");

    silent.expect_closed().await?;
    polite.send("PING :still-here").await?;
    polite.line_where(|l| l.ends_with(":still-here")).await?;
    server.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn unknown_commands_get_421() -> TestResult {
    let server = ChatServer::start(ServerConfig::default()).await?;
    let mut client = TestClient::connect(&server).await?;
    client.login("justinfan7").await?;

    client.send("WHO #forsen").await?;

    assert_eq!(
        client.next_line().await?,
        ":tmi.twitch.tv 421 justinfan7 WHO :Unknown command"
    );
    server.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn garbage_and_huge_lines_do_not_crash_the_server() -> TestResult {
    let server = ChatServer::start(ServerConfig::default()).await?;
    let mut rude = TestClient::connect(&server).await?;

    rude.send_bytes(b"\xff\xfe\x00garbage\r\n\r\n:\r\n@\r\n   \r\nJOIN\r\nPART\r\nNICK\r\nCAP\r\n")
        .await?;
    rude.send("PING :still-alive").await?;
    rude.line_where(|l| l.ends_with(":still-alive")).await?;
    // 100 KiB without a newline: over the server's line limit.
    rude.send_bytes(&vec![b'A'; 100 * 1024]).await?;
    rude.expect_closed().await?;

    let mut polite = TestClient::connect(&server).await?;
    polite.login("justinfan8").await?;
    polite.join("forsen").await?;
    assert_eq!(server.connections_opened(), 2);
    server.shutdown().await;
    Ok(())
}
