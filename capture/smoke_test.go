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

func TestSmokeSpec(t *testing.T) {
	need(t, "swaks")
	s := start(t, Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	exec.CommandContext(ctx, "swaks", "--server", "127.0.0.1", "--port", s.Port, "--tls", "--auth", "LOGIN", "--pipeline",
		"--auth-user", "scanner@contoso.com", "--auth-password", "S3cr&t pass", "--from", "scanner@contoso.com", "--to", "a@contoso.com",
		"--helo", "mfp.contoso.local", "--tls-protocol", "tlsv1_2", "--attach", "@/etc/hostname").CombinedOutput()
	rep := s.report(t)
	src, err := Spec(rep, SpecOptions{Site: "hq-mfp", PasswordEnv: "HQ_MFP_SMTP_PASSWORD", TokenEnv: "HQ_MFP_SMTP_TOKEN"})
	t.Logf("%s\n%v", src, err)
}
