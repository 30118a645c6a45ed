package capture

import (
	"context"
	"os/exec"
	"testing"
	"time"
)

func TestSmokeSwaks(t *testing.T) {
	need(t, "swaks")
	s := start(t, Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, _ := exec.CommandContext(ctx, "swaks", "--server", "127.0.0.1", "--port", s.Port, "--tls", "--auth", "LOGIN",
		"--auth-user", "scanner@contoso.com", "--auth-password", "S3cr&t pass", "--from", "scanner@contoso.com", "--to", "a@contoso.com",
		"--helo", "mfp.contoso.local", "--attach", "@/etc/hostname").CombinedOutput()
	rep := s.report(t)
	t.Logf("%s\n%s", out, dump(t, rep))
}
