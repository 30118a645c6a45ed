package sim

import (
	"fmt"
	"math/rand/v2"
	"net"
	"strings"
	"time"

	"github.com/smtpspec/smtpspec/transcript"
)

// identity is what one connection calls itself: a front-end host made up
// in Microsoft's patterns (FACTS.md 2.1 and 2.2) and a session token. They
// differ per connection on purpose, as they do on the real service.
type identity struct {
	host    string // in the banner and EHLO: BY1PR10CA0041.outlook.office365.com
	short   string // BY1PR10CA0041, for rows that append their own domain (".eop-nam02...")
	errHost string // in error replies: BY1PR10CA0041.namprd10.prod.outlook.com
	token   string // 16 upper-case hex digits, e.g. 08DCEB746BAC29D2
}

// Datacenter prefixes seen in the front-end names FACTS.md quotes.
var (
	submissionSites = []string{"BY", "CY", "AM", "CH", "BE", "MN", "SN", "DM"}
	mxSites         = []string{"SN", "CY", "DM", "BN", "BL", "CO"}
)

// newIdentity makes up a host and token for one connection of sc at now.
func newIdentity(sc *Scenario, now time.Time) identity {
	if sc.Method == transcript.Submission {
		// <2 letters><digit>PR<2 digits>CA<4 digits>, e.g. BY1PR10CA0041; error
		// replies name <short>.namprd<NN>.prod.outlook.com (email-oauth2-proxy #193).
		pr := rand.IntN(90) + 10
		short := fmt.Sprintf("%s%dPR%02dCA%04d", pick(submissionSites), rand.IntN(9)+1, pr, rand.IntN(10000))
		return identity{
			host:    short + ".outlook.office365.com",
			short:   short,
			errHost: fmt.Sprintf("%s.namprd%02d.prod.outlook.com", short, pr),
			token:   sessionToken(now),
		}
	}
	// <2 letters><digit>NAM02FT<3 digits>, e.g. SN1NAM02FT049. The region is
	// fixed at NAM02 because catalog rows spell ".eop-nam02" literally.
	short := fmt.Sprintf("%s%dNAM02FT%03d", pick(mxSites), rand.IntN(9)+1, rand.IntN(1000))
	if sc.MXMicrosoft {
		// <zone>.mx.microsoft: the zone is "a random string" in the
		// (secondary) descriptions of MC1048624; "o-v1" is a guess at its
		// shape. What these front ends call themselves is UNCONFIRMED.
		host := fmt.Sprintf("%s.%c-v1.mx.microsoft", short, 'a'+rand.IntN(26))
		return identity{host: host, short: short, errHost: host, token: sessionToken(now)}
	}
	return identity{
		host:    short + ".mail.protection.outlook.com",
		short:   short,
		errHost: short + ".eop-nam02.prod.protection.outlook.com",
		token:   sessionToken(now),
	}
}

func pick(s []string) string { return s[rand.IntN(len(s))] }

// dotnetEpoch is 0001-01-01 in Unix seconds: .NET ticks count 100 ns from there.
const dotnetEpoch = -62135596800

// sessionToken looks like Microsoft's: the observed tokens (08DCEB746BAC29D2,
// 08DDD30471EE4ED5) are .NET ticks in hex. The low 24 bits are random so
// two connections in the same instant still differ.
func sessionToken(now time.Time) string {
	ticks := uint64(now.Unix()-dotnetEpoch)*10_000_000 + uint64(now.Nanosecond()/100)
	ticks = ticks&^0xFFFFFF | uint64(rand.IntN(1<<24))
	return fmt.Sprintf("%016X", ticks)
}

// rfc1123 formats the banner date as Exchange does: "Mon, 1 Jun 2015
// 12:00:00 +0000" (no zero padding of the day).
func rfc1123(t time.Time) string { return t.UTC().Format("Mon, 2 Jan 2006 15:04:05 -0700") }

// isoTime formats the timestamp in error replies: 2023-09-12T20:59:57.214Z.
func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// clientIP is the peer address as Exchange prints it between brackets.
func clientIP(a net.Addr) string {
	if ip := addrIP(a); ip != nil {
		return ip.String()
	}
	if a == nil {
		return "unknown"
	}
	return strings.Trim(a.String(), "[]")
}
