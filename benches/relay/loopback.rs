//! A twitch-irc transport that reaches the bundled server on loopback instead of Twitch.
//!
//! twitch-irc's plain TCP transport is generic over how it opens its socket
//! (`tcp::MakeConnection`), but that hook takes no arguments, so the address it connects to is
//! set once per process before the client starts. Everything after the socket is twitch-irc's
//! own code: its line reader, its parser and its client loop.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::OnceLock;

use tokio::net::TcpStream;
use twitch_irc::transport::tcp::{MakeConnection, TCPTransport, TCPTransportConnectError};

/// twitch-irc's TCP transport, connected to [`set_server`]'s address.
pub type LoopbackTransport = TCPTransport<Loopback>;

static SERVER: OnceLock<SocketAddr> = OnceLock::new();

/// Points every later twitch-irc connection of this process at `endpoint`
/// (`irc://127.0.0.1:PORT`). Only a loopback address is accepted.
pub fn set_server(endpoint: &str) -> Result<(), String> {
    let address: SocketAddr = endpoint
        .strip_prefix("irc://")
        .unwrap_or(endpoint)
        .parse()
        .map_err(|error| format!("{endpoint} is not an address: {error}"))?;
    if !address.ip().is_loopback() {
        return Err(format!("{endpoint} is not a loopback address"));
    }
    let chosen = SERVER.get_or_init(|| address);
    if *chosen != address {
        return Err(format!("this process already connects to {chosen}"));
    }
    Ok(())
}

/// Opens plain TCP connections to the address given to [`set_server`].
pub struct Loopback;

impl MakeConnection for Loopback {
    type Socket = TcpStream;

    // The trait is declared with `async_trait`; this is the signature it expands to.
    fn new_socket<'life>(
    ) -> Pin<Box<dyn Future<Output = Result<TcpStream, TCPTransportConnectError>> + Send + 'life>>
    {
        Box::pin(async {
            let address = SERVER.get().copied().ok_or_else(|| {
                std::io::Error::new(
                    std::io::ErrorKind::AddrNotAvailable,
                    "no server address was set for the loopback transport",
                )
            })?;
            Ok(TcpStream::connect(address).await?)
        })
    }
}
