# An old scanner greets with HELO instead of EHLO. Exchange Online answers
# "250 <host> Hello [<ip>]" with no extension list, so the device never
# sees STARTTLS or AUTH and sends MAIL FROM in plain text: 451 5.7.3.
# The fix is on the device: set it to EHLO/ESMTP with STARTTLS (or, if it
# can only say HELO, use Direct Send or a relay connector on port 25).
site "submission-helo-only" {
  method = "submission"

  endpoint {
    host = "smtp.office365.com"
    port = 587
  }

  client {
    helo     = "scanner-annex.contoso.local"
    greeting = "HELO"
  }

  auth {
    mechanism = "LOGIN"
    username  = "annex-scanner@contoso.com"
    password  = env("SMTPSPEC_DEMO_PASSWORD")
  }

  envelope {
    from = "annex-scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }

  timeouts {
    connect = "5s"
    command = "10s"
    total   = "60s"
  }

  expect "mail" {
    code     = 451
    enhanced = "5.7.3"
  }
}
