# HQ's scanner: SMTP AUTH submission as scanner@contoso.com (here: the
# simulator's submission-ok scenario on loopback; the test sets the port).
site "hq-mfp" {
  method = "submission"
  endpoint {
    host        = "127.0.0.1"
    port        = SUBMISSION_PORT
    server_name = "localhost"
    ca_file     = "sim-ca.pem"
  }
  client {
    helo = "mfp-hq.contoso.local"
  }
  auth {
    mechanism = "LOGIN"
    username  = "scanner@contoso.com"
    password  = env("HQ_MFP_SMTP_PASSWORD")
  }
  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }
}
