//! Where the chat connection goes: Twitch's TLS endpoint unless the app names another server.

use std::fmt;

use super::error::ChatError;

/// Twitch's chat server, reached over TLS. The default for every app.
pub const TWITCH_HOST: &str = "irc.chat.twitch.tv";
/// Twitch's TLS port for IRC.
pub const TWITCH_TLS_PORT: u16 = 6697;

/// A chat server address and whether to speak TLS to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// Host name or IP address.
    pub host: String,
    /// TCP port.
    pub port: u16,
    /// True for `ircs://` (TLS), false for `irc://` (plain TCP, for a local server).
    pub tls: bool,
}

impl Default for Endpoint {
    fn default() -> Self {
        Endpoint {
            host: TWITCH_HOST.to_string(),
            port: TWITCH_TLS_PORT,
            tls: true,
        }
    }
}

impl Endpoint {
    /// Parses `irc://host:port` or `ircs://host:port` (an IPv6 host goes in brackets). The
    /// port may be left out: 6667 for `irc`, 6697 for `ircs`.
    pub fn parse(raw: &str) -> Result<Endpoint, ChatError> {
        let invalid = |reason: &str| ChatError::InvalidEndpoint {
            endpoint: raw.to_string(),
            reason: reason.to_string(),
        };

        let (tls, rest) = if let Some(rest) = raw.strip_prefix("ircs://") {
            (true, rest)
        } else if let Some(rest) = raw.strip_prefix("irc://") {
            (false, rest)
        } else {
            return Err(invalid("the scheme must be irc:// or ircs://"));
        };
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        let default_port = if tls { TWITCH_TLS_PORT } else { 6667 };

        let (host, port) = if let Some(bracketed) = rest.strip_prefix('[') {
            let (host, after) = bracketed
                .split_once(']')
                .ok_or_else(|| invalid("an IPv6 host needs a closing ']'"))?;
            match after.strip_prefix(':') {
                Some(port) => (host, Some(port)),
                None if after.is_empty() => (host, None),
                None => return Err(invalid("unexpected text after the host")),
            }
        } else {
            match rest.rsplit_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (rest, None),
            }
        };

        if host.is_empty() || host.contains(['/', '@', ' ', '?', '#']) {
            return Err(invalid("the host is missing or contains a path"));
        }
        let port = match port {
            None => default_port,
            Some(port) => port
                .parse::<u16>()
                .ok()
                .filter(|port| *port != 0)
                .ok_or_else(|| invalid("the port must be a number from 1 to 65535"))?,
        };

        Ok(Endpoint {
            host: host.to_string(),
            port,
            tls,
        })
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = if self.tls { "ircs" } else { "irc" };
        if self.host.contains(':') {
            write!(f, "{scheme}://[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{scheme}://{}:{}", self.host, self.port)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_twitch_over_tls() {
        let endpoint = Endpoint::default();

        assert_eq!(endpoint.to_string(), "ircs://irc.chat.twitch.tv:6697");
    }

    #[test]
    fn parses_plain_and_tls_endpoints() {
        let plain = Endpoint::parse("irc://127.0.0.1:4567");
        let tls = Endpoint::parse("ircs://chat.example.test");
        let v6 = Endpoint::parse("irc://[::1]:7000");

        assert_eq!(
            plain.map(|e| e.to_string()),
            Ok("irc://127.0.0.1:4567".into())
        );
        assert_eq!(tls.map(|e| (e.port, e.tls)), Ok((6697, true)));
        assert_eq!(v6.map(|e| e.host), Ok("::1".into()));
    }

    #[test]
    fn rejects_other_schemes_and_bad_ports() {
        for raw in [
            "http://x:1",
            "irc://",
            "irc://host:0",
            "irc://host:99999",
            "irc://a/b",
        ] {
            let result = Endpoint::parse(raw);

            assert!(
                matches!(result, Err(ChatError::InvalidEndpoint { .. })),
                "{raw} was accepted"
            );
        }
    }
}
