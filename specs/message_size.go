package specs

import (
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/smtpspec/smtpspec/internal/lazyre"
)

// Limits of envelope.message_size. Sizes are binary, as Exchange counts
// them (its EHLO SIZE 157286400 is 150 MB): "35MB" is 35 x 1024 x 1024.
// The top is above Exchange Online's 150 MB, so a spec can show the
// refusal of a message over the limit.
const (
	minMessageSize = 1 << 10
	maxMessageSize = 1 << 30
)

var sizeRE = lazyre.New(`^(?i)\s*(\d+)\s*(B|KB|KIB|MB|MIB|GB|GIB)?\s*$`)

var sizeUnits = map[string]int64{"": 1, "B": 1, "KB": 1 << 10, "KIB": 1 << 10, "MB": 1 << 20, "MIB": 1 << 20, "GB": 1 << 30, "GIB": 1 << 30}

// messageSize reads envelope.message_size: how large the test message is,
// to reproduce a scan's size.
func (d *decoder) messageSize(sd *siteDecode, e *Envelope, attr *hcl.Attribute) {
	s, ok := d.str(attr)
	if !ok {
		return
	}
	n, ok := parseSize(s)
	if !ok || n < minMessageSize || n > maxMessageSize {
		d.errorAt(attr.Expr.Range(), "Invalid message_size",
			"message_size = %q must be a size from \"1KB\" to \"1GB\", like \"8MB\" (KB, MB and GB count 1024s, as "+
				"Exchange does: its default limit per mailbox is 35MB, its highest 150MB).", s)
		return
	}
	e.MessageSize = n
	if sd.planOK && !e.SendMessage {
		d.warningAt(attr.NameRange, "No message to size",
			"message_size only matters when the probe sends a message: set send_message = true.")
	}
}

// parseSize reads "8MB", "512KB", "1048576".
func parseSize(s string) (int64, bool) {
	m := sizeRE.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	n, err := strconv.ParseInt(m[1], 10, 64)
	unit := sizeUnits[strings.ToUpper(m[2])]
	if err != nil || n > maxMessageSize {
		return 0, false
	}
	return n * unit, true
}
