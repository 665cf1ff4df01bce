//! Requests to addresses users choose (webhook endpoints), guarded against server-side request
//! forgery: only `https` (plain `http` when configured), no credentials in the URL, and every
//! address a host resolves to is checked against the networks no endpoint may be in — loopback,
//! private, link-local (cloud metadata), CGNAT, multicast, reserved, IPv6 unique-local and
//! link-local, and IPv4 addresses embedded in IPv6 forms — unless an allow-list admits it.
//! The same resolution that is checked is the one connected to ([`GuardedResolver`]), so a DNS
//! answer cannot change between the check and the connection.

use std::collections::HashMap;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, RwLock};

use futures_util::future::BoxFuture;
use ipnet::IpNet;
use url::{Host, Url};

/// Longest endpoint URL.
pub const MAX_URL_LEN: usize = 2048;
/// Longest wait for a host name's addresses.
pub const LOOKUP_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// Looks up the addresses of a host name (a seam: tests and development replace the system's).
pub trait HostResolver: Send + Sync {
    fn lookup<'a>(&'a self, host: &'a str) -> BoxFuture<'a, std::io::Result<Vec<IpAddr>>>;
}

/// The operating system's resolver.
pub struct SystemResolver;

impl HostResolver for SystemResolver {
    fn lookup<'a>(&'a self, host: &'a str) -> BoxFuture<'a, std::io::Result<Vec<IpAddr>>> {
        Box::pin(async move { Ok(tokio::net::lookup_host((host, 0)).await?.map(|a| a.ip()).collect()) })
    }
}

/// A fixed table of host names, changeable at run time (for tests of DNS that changes).
#[derive(Default)]
pub struct StaticResolver(RwLock<HashMap<String, Vec<IpAddr>>>);

impl StaticResolver {
    pub fn set(&self, host: &str, addresses: Vec<IpAddr>) {
        if let Ok(mut table) = self.0.write() {
            table.insert(host.to_ascii_lowercase(), addresses);
        }
    }
}

impl HostResolver for StaticResolver {
    fn lookup<'a>(&'a self, host: &'a str) -> BoxFuture<'a, std::io::Result<Vec<IpAddr>>> {
        let found = self.0.read().ok().and_then(|t| t.get(&host.to_ascii_lowercase()).cloned());
        Box::pin(async move { found.ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "no such host")) })
    }
}

/// What outbound requests may reach.
#[derive(Clone)]
pub struct Egress {
    /// Admit plain `http://` URLs (development only).
    pub allow_http: bool,
    /// Networks admitted although they are in a refused class (development and tests).
    pub allowed_networks: Vec<IpNet>,
    pub resolver: Arc<dyn HostResolver>,
}

impl fmt::Debug for Egress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Egress")
            .field("allow_http", &self.allow_http)
            .field("allowed_networks", &self.allowed_networks)
            .finish_non_exhaustive()
    }
}

impl Default for Egress {
    fn default() -> Self {
        Self { allow_http: false, allowed_networks: Vec::new(), resolver: Arc::new(SystemResolver) }
    }
}

/// Networks no endpoint may be in, each with the reason given when one is refused.
const REFUSED: &[(&str, &str)] = &[
    ("0.0.0.0/8", "an unspecified address"),
    ("10.0.0.0/8", "a private address"),
    ("100.64.0.0/10", "a carrier-grade NAT address"),
    ("127.0.0.0/8", "a loopback address"),
    ("169.254.0.0/16", "a link-local address (cloud metadata)"),
    ("172.16.0.0/12", "a private address"),
    ("192.0.0.0/24", "a reserved address"),
    ("192.0.2.0/24", "a documentation address"),
    ("192.168.0.0/16", "a private address"),
    ("198.18.0.0/15", "a benchmarking address"),
    ("198.51.100.0/24", "a documentation address"),
    ("203.0.113.0/24", "a documentation address"),
    ("224.0.0.0/4", "a multicast address"),
    ("240.0.0.0/4", "a reserved address"),
    ("::/128", "an unspecified address"),
    ("64:ff9b:1::/48", "a local-use NAT64 address"),
    ("::1/128", "a loopback address"),
    ("100::/64", "a discard address"),
    ("2001:db8::/32", "a documentation address"),
    ("fc00::/7", "a unique-local address"),
    ("fe80::/10", "a link-local address"),
    ("fec0::/10", "a site-local address"),
    ("ff00::/8", "a multicast address"),
];

/// Why `ip` may not be connected to, or `None` when it may. IPv4 addresses inside IPv6 forms
/// (mapped, compatible, NAT64, 6to4) are judged as the IPv4 address they carry.
pub fn refused_class(ip: IpAddr) -> Option<&'static str> {
    let ip = match ip {
        IpAddr::V6(v6) => embedded_v4(v6).map_or(ip, IpAddr::V4),
        v4 => v4,
    };
    REFUSED.iter().find(|(net, _)| net.parse::<IpNet>().is_ok_and(|n| n.contains(&ip))).map(|(_, why)| *why)
}

fn embedded_v4(v6: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = v6.segments();
    let tail = || Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    if let Some(v4) = v6.to_ipv4_mapped() {
        return Some(v4);
    }
    match s {
        // IPv4-compatible (::a.b.c.d), except :: and ::1 themselves.
        [0, 0, 0, 0, 0, 0, _, _] if s[6] != 0 => Some(tail()),
        // NAT64 (64:ff9b::/96).
        [0x64, 0xff9b, 0, 0, 0, 0, _, _] => Some(tail()),
        // 6to4 (2002:a.b.c.d::/48).
        [0x2002, hi, lo, ..] => Some(Ipv4Addr::new((hi >> 8) as u8, hi as u8, (lo >> 8) as u8, lo as u8)),
        _ => None,
    }
}

impl Egress {
    /// Checks what needs no lookup: length, scheme, no credentials, a host, and an address written
    /// in the URL (a host name is checked when it is resolved). Returns the parsed URL or the
    /// reason it is refused.
    pub fn check_form(&self, raw: &str) -> Result<Url, String> {
        if raw.len() > MAX_URL_LEN {
            return Err(format!("must be at most {MAX_URL_LEN} characters"));
        }
        let url = Url::parse(raw).map_err(|e| format!("is not a valid URL ({e})"))?;
        match url.scheme() {
            "https" => {}
            "http" if self.allow_http => {}
            "http" => return Err("must use https".into()),
            _ => return Err("must be an https URL".into()),
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err("must not carry credentials".into());
        }
        match url.host() {
            Some(Host::Ipv4(ip)) => self.check_address(IpAddr::V4(ip))?,
            Some(Host::Ipv6(ip)) => self.check_address(IpAddr::V6(ip))?,
            Some(Host::Domain(_)) => {}
            None => return Err("must name a host".into()),
        }
        Ok(url)
    }

    /// Whether `ip` may be connected to: an error names the refused class but not the address
    /// (which would let a caller map internal names).
    pub fn check_address(&self, ip: IpAddr) -> Result<(), String> {
        match refused_class(ip) {
            Some(_) if self.allowed_networks.iter().any(|n| n.contains(&ip)) => Ok(()),
            Some(why) => Err(format!("is refused: it resolves to {why}, not a public address")),
            None => Ok(()),
        }
    }

    /// Resolves `host` (within [`LOOKUP_TIMEOUT`]) and checks every address it has; all must
    /// be admitted.
    pub async fn resolve(&self, host: &str) -> Result<Vec<IpAddr>, String> {
        let lookup = tokio::time::timeout(LOOKUP_TIMEOUT, self.resolver.lookup(host));
        let addresses = match lookup.await {
            Ok(Ok(addresses)) => addresses,
            Ok(Err(_)) => return Err(format!("names a host that does not resolve ({host})")),
            Err(_) => return Err(format!("names a host whose lookup timed out ({host})")),
        };
        if addresses.is_empty() {
            return Err(format!("names a host that does not resolve ({host})"));
        }
        for ip in &addresses {
            self.check_address(*ip)?;
        }
        Ok(addresses)
    }

    /// Checks a URL fully: its form, then every address its host name resolves to.
    pub async fn check(&self, raw: &str) -> Result<Url, String> {
        let url = self.check_form(raw)?;
        if let Some(Host::Domain(name)) = url.host() {
            self.resolve(name).await?;
        }
        Ok(url)
    }
}

/// The HTTP client's resolver: resolves through [`Egress`] and refuses a host with any
/// refused address, so the connection goes only to addresses just checked.
pub struct GuardedResolver(pub Egress);

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let egress = self.0.clone();
        Box::pin(async move {
            let addresses = egress
                .resolve(name.as_str())
                .await
                .map_err(|e| -> Box<dyn std::error::Error + Send + Sync> { e.into() })?;
            let addrs: reqwest::dns::Addrs = Box::new(addresses.into_iter().map(|ip| SocketAddr::new(ip, 0)));
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(ip: &str) -> bool {
        refused_class(ip.parse().expect("ip")).is_some()
    }

    #[test]
    fn every_internal_class_is_refused_and_public_addresses_pass() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.20.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "224.0.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a00:1",
            "2002:c0a8:101::1",
            "64:ff9b:1::a00:1",
            "::127.0.0.1",
        ] {
            assert!(refused(ip), "{ip} must be refused");
        }
        for ip in ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"] {
            assert!(!refused(ip), "{ip} must pass");
        }
    }

    #[test]
    fn the_allow_list_admits_a_refused_network() {
        let egress = Egress { allowed_networks: vec!["127.0.0.0/8".parse().expect("net")], ..Egress::default() };
        assert!(egress.check_address("127.0.0.1".parse().expect("ip")).is_ok());
        assert!(egress.check_address("10.0.0.1".parse().expect("ip")).is_err());
    }

    #[test]
    fn forms_are_checked() {
        let strict = Egress::default();
        assert!(strict.check_form("https://hooks.example.com/in").is_ok());
        assert!(strict.check_form("http://hooks.example.com/in").is_err());
        assert!(strict.check_form("https://user:pw@hooks.example.com/").is_err());
        assert!(strict.check_form("ftp://hooks.example.com/").is_err());
        assert!(strict.check_form("not a url").is_err());
        assert!(strict.check_form(&format!("https://e.com/{}", "a".repeat(MAX_URL_LEN))).is_err());
        let dev = Egress { allow_http: true, ..Egress::default() };
        assert!(dev.check_form("http://hooks.example.com/in").is_ok());
    }
}
