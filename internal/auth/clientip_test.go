package auth

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
)

func TestClientIP(t *testing.T) {
	trusted := []netip.Prefix{
		netip.MustParsePrefix("10.0.0.0/8"),
		netip.MustParsePrefix("127.0.0.1/32"),
		netip.MustParsePrefix("fd00::/8"),
	}
	tests := []struct {
		name   string
		remote string
		xff    string
		want   string // "" for the zero Addr
	}{
		{"direct client, no header", "203.0.113.7:51234", "", "203.0.113.7"},
		{"direct client forging the header", "203.0.113.7:51234", "1.2.3.4", "203.0.113.7"},
		{"trusted proxy, one hop", "10.0.0.2:443", "198.51.100.9", "198.51.100.9"},
		{"trusted proxy, no header", "10.0.0.2:443", "", "10.0.0.2"},
		{"trusted proxy, blank header", "10.0.0.2:443", "  ", "10.0.0.2"},
		{"client forges the left of the chain", "10.0.0.2:443", "6.6.6.6, 198.51.100.9", "198.51.100.9"},
		{"two trusted hops skipped", "127.0.0.1:8080", "6.6.6.6, 198.51.100.9, 10.1.1.1, 10.2.2.2", "198.51.100.9"},
		{"spaces and several headers joined", "10.0.0.2:443", " 198.51.100.9 ,10.1.1.1", "198.51.100.9"},
		{"all hops trusted: leftmost", "10.0.0.2:443", "10.9.9.9, 10.1.1.1", "10.9.9.9"},
		{"hop with a port", "10.0.0.2:443", "198.51.100.9:4711", "198.51.100.9"},
		{"ipv6 client", "10.0.0.2:443", "2001:db8::1", "2001:db8::1"},
		{"bracketed ipv6 hop with port", "10.0.0.2:443", "[2001:db8::1]:4711", "2001:db8::1"},
		{"ipv6 trusted peer", "[fd00::1]:443", "198.51.100.9", "198.51.100.9"},
		{"ipv4-mapped peer is unmapped", "[::ffff:10.0.0.2]:443", "198.51.100.9", "198.51.100.9"},
		{"ipv4-mapped client is unmapped", "10.0.0.2:443", "::ffff:198.51.100.9", "198.51.100.9"},
		{"zone dropped", "10.0.0.2:443", "fe80::1%eth0", "fe80::1"},
		{"peer without port", "10.0.0.2", "198.51.100.9", "198.51.100.9"},
		{"malformed rightmost hop", "10.0.0.2:443", "198.51.100.9, garbage", "10.0.0.2"},
		{"empty hop", "10.0.0.2:443", "198.51.100.9,,10.1.1.1", "10.0.0.2"},
		{"trailing comma", "10.0.0.2:443", "198.51.100.9,", "10.0.0.2"},
		{"malformed entry left of the client is ignored", "10.0.0.2:443", "garbage, 198.51.100.9", "198.51.100.9"},
		{"hostname instead of ip", "10.0.0.2:443", "proxy.example.fr", "10.0.0.2"},
		{"obfuscated forwarded-style value", "10.0.0.2:443", "for=198.51.100.9", "10.0.0.2"},
		{"untrusted peer, malformed header ignored", "203.0.113.7:1", "garbage", "203.0.113.7"},
		{"malformed peer", "not-an-ip:80", "198.51.100.9", ""},
		{"empty peer", "", "198.51.100.9", ""},
		{"huge header", "10.0.0.2:443", strings.Repeat("6.6.6.6,", 100000) + "198.51.100.9", "198.51.100.9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ClientIP(tt.remote, tt.xff, trusted)
			var want netip.Addr
			if tt.want != "" {
				want = netip.MustParseAddr(tt.want)
			}
			if got != want {
				t.Errorf("ClientIP(%q, %q) = %v, want %v", tt.remote, tt.xff, got, want)
			}
		})
	}
	// No trusted proxies: the header is never read.
	if got := ClientIP("10.0.0.2:443", "198.51.100.9", nil); got != netip.MustParseAddr("10.0.0.2") {
		t.Errorf("ClientIP with no trusted proxies = %v, want the peer", got)
	}
}

func TestParseTrustedProxies(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []string
		wantErr string // substring of the error; "" for success
	}{
		{"example from the config", "10.0.0.0/8,127.0.0.1/32", []string{"10.0.0.0/8", "127.0.0.1/32"}, ""},
		{"spaces", " 10.0.0.0/8 , 192.168.0.0/16 ", []string{"10.0.0.0/8", "192.168.0.0/16"}, ""},
		{"bare addresses", "127.0.0.1,::1", []string{"127.0.0.1/32", "::1/128"}, ""},
		{"ipv6 prefix", "fd00::/8", []string{"fd00::/8"}, ""},
		{"ipv4-mapped bare address unmapped", "::ffff:10.0.0.1", []string{"10.0.0.1/32"}, ""},
		{"empty", "", nil, ""},
		{"blank", "   ", nil, ""},
		{"empty entry", "10.0.0.0/8,,127.0.0.1", nil, "entry 2 is empty"},
		{"trailing comma", "10.0.0.0/8,", nil, "entry 2 is empty"},
		{"host bits set", "10.1.2.3/8", nil, `entry 1 "10.1.2.3/8" has host bits set (did you mean 10.0.0.0/8?)`},
		{"bad prefix length", "10.0.0.0/33", nil, `entry 1 "10.0.0.0/33" is not a CIDR prefix`},
		{"hostname", "10.0.0.0/8,proxy.local", nil, `entry 2 "proxy.local" is not an IP address or CIDR prefix`},
		{"zone", "fe80::1%eth0", nil, "is not an IP address"},
		{"semicolon separated", "10.0.0.0/8;127.0.0.1", nil, "entry 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseTrustedProxies(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, ErrInvalidConfig) {
					t.Fatalf("ParseTrustedProxies(%q) error = %v, want one containing %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseTrustedProxies(%q): %v", tt.in, err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("ParseTrustedProxies(%q) = %v, want %v", tt.in, got, tt.want)
			}
			for i := range got {
				if got[i].String() != tt.want[i] {
					t.Errorf("prefix %d = %v, want %s", i, got[i], tt.want[i])
				}
			}
		})
	}
}
