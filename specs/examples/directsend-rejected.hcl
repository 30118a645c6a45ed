# The tenant turned on RejectDirectSend; the lobby printer still sends
# anonymously from a contoso.com address to the MX. RCPT gets 550 5.7.68
# TenantInboundAttribution: add a partner connector for the site's IP, or
# move the printer to SMTP AUTH submission or a relay connector.
site "directsend-rejected" {
  method = "direct_send"

  endpoint {
    host = "contoso-com.mail.protection.outlook.com"
    port = 25
  }

  client {
    helo = "printer-lobby.contoso.local"
  }

  envelope {
    from = "lobby-printer@contoso.com"
    to   = ["reception@contoso.com"]
  }

  timeouts {
    connect = "5s"
    command = "10s"
    total   = "60s"
  }

  expect "rcpt" {
    code     = 550
    enhanced = "5.7.68"
    text     = "Direct Send not allowed"
  }
}
