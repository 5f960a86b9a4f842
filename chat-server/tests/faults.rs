//! The faults a test can inject (RECONNECT, dropped and refused connections, shutdown) and
//! the records it can read back (joins, parts, connection counts).

mod client;

use std::time::{Duration, Instant};

use client::{TestClient, TestResult};
use twitch_chat_server::{ChatServer, ServerConfig};

#[tokio::test]
async fn reconnect_all_sends_reconnect_then_closes() -> TestResult {
    let server = ChatServer::start(ServerConfig::default()).await?;
    let mut client = TestClient::connect(&server).await?;
    client.login("justinfan1").await?;

    server.reconnect_all();

    assert_eq!(client.next_line().await?, ":tmi.twitch.tv RECONNECT");
    client.expect_closed().await?;
    server.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn refusing_server_closes_new_connections_until_it_accepts_again() -> TestResult {
    let server = ChatServer::start(ServerConfig::default()).await?;
    let mut early = TestClient::connect(&server).await?;
    early.login("justinfan1").await?;

    server.set_refusing(true);
    let mut refused = TestClient::connect(&server).await?;
    refused.send("NICK justinfan2").await?;
    refused.expect_closed().await?;
    server.set_refusing(false);
    let mut accepted = TestClient::connect(&server).await?;
    accepted.login("justinfan3").await?;

    early.send("PING :kept").await?;
    early.line_where(|l| l.ends_with(":kept")).await?;
    assert_eq!(server.connections_opened(), 3);
    assert_eq!(server.open_connections(), 2);
    server.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn drop_all_closes_every_connection() -> TestResult {
    let server = ChatServer::start(ServerConfig::default()).await?;
    let mut first = TestClient::connect(&server).await?;
    let mut second = TestClient::connect(&server).await?;
    first.login("justinfan1").await?;
    second.login("justinfan2").await?;

    server.drop_all();

    first.expect_closed().await?;
    second.expect_closed().await?;
    server.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn joins_and_parts_are_recorded_with_time_and_connection() -> TestResult {
    let server = ChatServer::start(ServerConfig::default()).await?;
    let mut first = TestClient::connect(&server).await?;
    let mut second = TestClient::connect(&server).await?;
    first.login("justinfan1").await?;
    second.login("justinfan2").await?;
    let before = Instant::now();

    first.send("JOIN #Forsen").await?;
    let joined_once = server.wait_for_join("forsen", client::WAIT).await;
    second.send("JOIN #forsen").await?;
    let joined_twice = server.wait_for_joins("#forsen", 2, client::WAIT).await;
    first.send("PART #forsen").await?;
    first.line_where(|l| l.ends_with(" PART #forsen")).await?;
    let after = Instant::now();

    assert!(joined_once && joined_twice);
    let joins = server.joins();
    assert_eq!(joins.len(), 2);
    assert!(joins.iter().all(|j| j.channel == "forsen"));
    assert!(joins.iter().all(|j| before <= j.at && j.at <= after));
    assert!(joins[0].at <= joins[1].at);
    assert_ne!(joins[0].connection, joins[1].connection);
    let parts = server.parts();
    assert_eq!(parts.len(), 1);
    assert_eq!(parts[0].connection, joins[0].connection);
    assert!(
        !server
            .wait_for_join("never", Duration::from_millis(50))
            .await
    );
    server.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn shutdown_closes_connections_and_ends() -> TestResult {
    let server = ChatServer::start(ServerConfig::default()).await?;
    let mut client = TestClient::connect(&server).await?;
    client.login("justinfan1").await?;
    client.join("forsen").await?;

    let stopped = tokio::time::timeout(client::WAIT, server.shutdown()).await;

    assert!(stopped.is_ok(), "shutdown did not finish");
    client.expect_closed().await?;
    Ok(())
}
