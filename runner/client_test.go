package runner

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/smtpspec/smtpspec/transcript"
)

// pipeClient returns a client reading what the server side of a pipe
// writes: input, then EOF.
func pipeClient(t *testing.T, input string) *client {
	t.Helper()
	srv, cli := net.Pipe()
	go func() {
		_ = srv.SetWriteDeadline(time.Now().Add(peerWait))
		_, _ = srv.Write([]byte(input))
		srv.Close()
	}()
	c := newClient(context.Background(), cli, "pipe", &recorder{stage: "banner", now: testClock, start: testClock()})
	c.setBudget(2 * time.Second)
	t.Cleanup(c.close)
	return c
}

func TestClientReadReply(t *testing.T) {
	tests := []struct {
		name      string
		input     string
		want      *transcript.Reply
		wantErr   string // "kind: text" of the error
		wantLines []string
		wantNotes []string
	}{
		{
			name:      "single line with enhanced code",
			input:     "550 5.7.606 Access denied, banned sending IP [1.2.3.4]\r\n",
			want:      &transcript.Reply{Code: 550, Enhanced: "5.7.606", Lines: []string{"5.7.606 Access denied, banned sending IP [1.2.3.4]"}},
			wantLines: []string{"550 5.7.606 Access denied, banned sending IP [1.2.3.4]"},
		},
		{
			name:      "multi-line",
			input:     "250-host Hello [127.0.0.1]\r\n250-SIZE 157286400\r\n250 PIPELINING\r\n",
			want:      &transcript.Reply{Code: 250, Lines: []string{"host Hello [127.0.0.1]", "SIZE 157286400", "PIPELINING"}},
			wantLines: []string{"250-host Hello [127.0.0.1]", "250-SIZE 157286400", "250 PIPELINING"},
		},
		{
			name:      "code alone",
			input:     "250\r\n",
			want:      &transcript.Reply{Code: 250, Lines: []string{""}},
			wantLines: []string{"250"},
		},
		{
			name:      "bare LF accepted and noted",
			input:     "220 ready\n",
			want:      &transcript.Reply{Code: 220, Lines: []string{"ready"}},
			wantLines: []string{"220 ready"},
			wantNotes: []string{"server ended a line with a bare LF"},
		},
		{
			name:      "non-printable bytes escaped",
			input:     "220 \x1b[31mred\xff\\\r\n",
			want:      &transcript.Reply{Code: 220, Lines: []string{`\x1b[31mred\xff\x5c`}},
			wantLines: []string{`220 \x1b[31mred\xff\x5c`},
		},
		{
			name:      "Cisco ESA hash in the enhanced code",
			input:     "550 #5.1.0 Address rejected\r\n",
			want:      &transcript.Reply{Code: 550, Enhanced: "5.1.0", Lines: []string{"#5.1.0 Address rejected"}},
			wantLines: []string{"550 #5.1.0 Address rejected"},
		},
		{
			name:      "code below 200",
			input:     "199 what\r\n",
			wantErr:   "protocol: reply code 199 outside 200-599",
			wantLines: []string{"199 what"},
		},
		{
			name:      "code above 599",
			input:     "600 what\r\n",
			wantErr:   "protocol: reply code 600 outside 200-599",
			wantLines: []string{"600 what"},
		},
		{
			name:      "not a reply (PIX fixup style)",
			input:     "220 ****************\r\nhello\r\n",
			want:      &transcript.Reply{Code: 220, Lines: []string{"****************"}},
			wantLines: []string{"220 ****************"},
		},
		{
			name:      "garbage",
			input:     "\xff\xfb\x01 telnet\r\n",
			wantErr:   `protocol: malformed reply line "\xff\xfb\x01 telnet"`,
			wantLines: []string{`\xff\xfb\x01 telnet`},
		},
		{
			name:      "no separator after the code",
			input:     "250x\r\n",
			wantErr:   `protocol: malformed reply line "250x"`,
			wantLines: []string{"250x"},
		},
		{
			name:      "code changes mid-reply",
			input:     "250-one\r\n251 two\r\n",
			wantErr:   `protocol: reply line "251 two" has code 251, the reply started with 250`,
			wantLines: []string{"250-one", "251 two"},
		},
		{
			name:      "too many lines",
			input:     strings.Repeat("250-x\r\n", maxReplyLines+5) + "250 x\r\n",
			wantErr:   "protocol: reply longer than 200 lines or 65536 bytes",
			wantLines: repeat("250-x", maxReplyLines),
		},
		{
			name:    "line too long",
			input:   "220 " + strings.Repeat("a", 2*maxLine) + "\r\n",
			wantErr: `protocol: reply line longer than 4096 bytes, starting "220 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa..."`,
		},
		{
			name:    "closed mid-line",
			input:   "220 hel",
			wantErr: `closed: connection closed by pipe after a partial line "220 hel"`,
		},
		{
			name:    "closed",
			input:   "",
			wantErr: "closed: connection closed by pipe",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := pipeClient(t, tt.input)
			got, err := c.read()
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if gotErr != tt.wantErr {
				t.Errorf("error = %q, want %q", gotErr, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("reply (-want +got):\n%s", diff)
			}
			var gotLines []string
			for _, l := range c.rec.lines {
				if l.Dir != transcript.Server || l.Stage != "banner" {
					t.Errorf("line %+v: want a server line of stage banner", l)
				}
				gotLines = append(gotLines, l.Text)
			}
			if diff := cmp.Diff(tt.wantLines, gotLines); diff != "" {
				t.Errorf("recorded (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantNotes, c.takeNotes()); diff != "" {
				t.Errorf("notes (-want +got):\n%s", diff)
			}
		})
	}
}

func TestClientRefusesCRLFInCommands(t *testing.T) {
	c := pipeClient(t, "")
	err := c.send("MAIL FROM:<a@b>\r\nRCPT TO:<c@d>", "MAIL FROM:<a@b>")
	if err == nil || !isLocal(err.(*transcript.Error)) {
		t.Fatalf("send = %v, want a local protocol error", err)
	}
	if len(c.rec.lines) != 0 {
		t.Errorf("recorded %q for a command never sent", c.rec.lines)
	}
}

func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

// FuzzClientRead checks that no server input panics the reader or lets
// it record more than the limits allow.
func FuzzClientRead(f *testing.F) {
	for _, seed := range []string{"220 ok\r\n", "250-a\r\n250 b\r\n", "250", "\n", "25", "599-\xff\n599 \r\n", "250-x\r\n"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, input string) {
		c := pipeClient(t, input)
		for range 3 {
			reply, err := c.read()
			if err != nil {
				break
			}
			if reply.Code < 200 || reply.Code > 599 || len(reply.Lines) == 0 || len(reply.Lines) > maxReplyLines {
				t.Fatalf("reply %+v breaks the reader's rules", reply)
			}
		}
		for _, l := range c.rec.lines {
			if len(l.Text) > 4*maxLine || strings.ContainsAny(l.Text, "\r\n") {
				t.Fatalf("recorded line %q", l.Text)
			}
		}
	})
}
