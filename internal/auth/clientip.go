package auth

import (
	"fmt"
	"net/netip"
	"strings"
)

// ClientIP returns the address of the client behind a request.
//
// remoteAddr is the TCP peer ("ip:port" or a bare IP). forwardedFor is the
// X-Forwarded-For value; when the request has several such headers, join
// them with "," in order. The header is believed only when the peer is in
// trusted: every proxy appends the address it received the request from,
// so the chain is walked from the right, skipping trusted hops, and the
// first untrusted address is the client. Entries to its left were written
// by the client and are never read, so forging them achieves nothing.
//
// If the walk meets a malformed entry, ClientIP returns the peer: the
// proxies we trust only write addresses, so the header is not theirs. If
// every entry is trusted, the leftmost one is returned (a request from
// inside the trusted network). IPv4-mapped IPv6 addresses are unmapped and
// zones dropped before any comparison. The result is the zero Addr only
// when remoteAddr itself is malformed.
//
// The RFC 7239 Forwarded header is not read: our proxies send
// X-Forwarded-For, and reading both would let a client choose.
func ClientIP(remoteAddr, forwardedFor string, trusted []netip.Prefix) netip.Addr {
	peer, ok := parseHost(remoteAddr)
	if !ok {
		return netip.Addr{}
	}
	if !isTrusted(peer, trusted) {
		return peer
	}
	if strings.TrimSpace(forwardedFor) == "" {
		return peer
	}
	rest := forwardedFor
	for {
		i := strings.LastIndexByte(rest, ',')
		addr, ok := parseHost(rest[i+1:])
		if !ok {
			return peer
		}
		if i < 0 || !isTrusted(addr, trusted) {
			return addr
		}
		rest = rest[:i]
	}
}

// parseHost parses "ip", "ip:port" or "[ipv6]:port".
func parseHost(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return normAddr(ap.Addr()), true
	}
	if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		s = s[1 : len(s)-1]
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, false
	}
	return normAddr(a), true
}

func normAddr(a netip.Addr) netip.Addr { return a.Unmap().WithZone("") }

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// ParseTrustedProxies parses a comma-separated list of CIDR prefixes or
// bare addresses (a single host), such as "10.0.0.0/8,127.0.0.1/32,::1",
// the form of PASSERELLE_TRUSTED_PROXIES. An empty string means no trusted
// proxy. Prefixes with host bits set ("10.1.2.3/8") are refused rather than
// silently widened, since a typo here decides who can spoof client IPs.
func ParseTrustedProxies(s string) ([]netip.Prefix, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out []netip.Prefix
	for i, raw := range strings.Split(s, ",") {
		entry := strings.TrimSpace(raw)
		if entry == "" {
			return nil, fmt.Errorf("parse trusted proxies: entry %d is empty: %w", i+1, ErrInvalidConfig)
		}
		if !strings.Contains(entry, "/") {
			a, err := netip.ParseAddr(entry)
			if err != nil || a.Zone() != "" {
				return nil, fmt.Errorf("parse trusted proxies: entry %d %q is not an IP address or CIDR prefix: %w", i+1, entry, ErrInvalidConfig)
			}
			a = a.Unmap()
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(entry)
		if err != nil {
			return nil, fmt.Errorf("parse trusted proxies: entry %d %q is not a CIDR prefix: %w", i+1, entry, ErrInvalidConfig)
		}
		if p != p.Masked() {
			return nil, fmt.Errorf("parse trusted proxies: entry %d %q has host bits set (did you mean %s?): %w", i+1, entry, p.Masked(), ErrInvalidConfig)
		}
		out = append(out, p)
	}
	return out, nil
}
