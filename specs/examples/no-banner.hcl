# From the guest network the TCP connection to port 25 opens but no banner
# ever comes: a firewall or proxy intercepting SMTP, or a tarpit. The short
# command timeout keeps the probe fast.
site "no-banner" {
  method = "direct_send"

  endpoint {
    host = "contoso-com.mail.protection.outlook.com"
    port = 25
  }

  client {
    helo = "printer-guest.contoso.local"
  }

  envelope {
    from = "guest-printer@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }

  timeouts {
    connect = "2s"
    command = "2s"
    total   = "10s"
  }

  expect "banner" {
    error = "timeout"
  }
}
