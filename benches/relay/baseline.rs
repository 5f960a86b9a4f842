//! The baseline: a plain twitch-irc client, as an app would write it without the plugin. Its
//! consumer receives each message and reads the length of its text.

use tokio::sync::mpsc::error::TryRecvError;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::{timeout_at, Instant};
use twitch_irc::login::StaticLoginCredentials;
use twitch_irc::message::ServerMessage;
use twitch_irc::{ClientConfig, TwitchIRCClient};

use crate::loopback::{self, LoopbackTransport};
use crate::source::{Arrival, ChatSource, Received};

pub struct TwitchIrcClient {
    incoming: UnboundedReceiver<ServerMessage>,
    /// The client's worker ends when the last handle is gone, so the handle is kept.
    client: TwitchIRCClient<LoopbackTransport, StaticLoginCredentials>,
}

impl ChatSource for TwitchIrcClient {
    fn open(endpoint: &str, channel: &str) -> Result<Self, String> {
        loopback::set_server(endpoint)?;
        let (incoming, client) = TwitchIRCClient::<LoopbackTransport, StaticLoginCredentials>::new(
            ClientConfig::default(),
        );

        client
            .join(channel.to_string())
            .map_err(|error| error.to_string())?;
        Ok(TwitchIrcClient { incoming, client })
    }

    async fn receive(&mut self, arrival: &mut Arrival, deadline: Instant) -> Received {
        // A message that is already waiting is taken without arming a timer, as a plain
        // `recv().await` loop would.
        match self.incoming.try_recv() {
            Ok(message) => {
                note(message, arrival);
                return Received::Delivery;
            }
            Err(TryRecvError::Disconnected) => return Received::Ended,
            Err(TryRecvError::Empty) => {}
        }
        match timeout_at(deadline, self.incoming.recv()).await {
            Ok(Some(message)) => {
                note(message, arrival);
                Received::Delivery
            }
            Ok(None) => Received::Ended,
            Err(_) => Received::TimedOut,
        }
    }

    fn take_waiting(&mut self, arrival: &mut Arrival) -> bool {
        match self.incoming.try_recv() {
            Ok(message) => {
                note(message, arrival);
                true
            }
            Err(_) => false,
        }
    }

    async fn close(self) {
        drop(self.client);
    }
}

fn note(message: ServerMessage, arrival: &mut Arrival) {
    arrival.deliveries += 1;
    if let ServerMessage::Privmsg(privmsg) = message {
        let received_ms = arrival.clock_ms();
        arrival.bytes += privmsg.message_text.len() as u64;
        let sent_ms = privmsg.server_timestamp.timestamp_millis().max(0) as u64;
        arrival.message(sent_ms, received_ms);
    }
}
