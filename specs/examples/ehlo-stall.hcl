# At the distribution centre the banner arrives, then EHLO is never
# answered: something in the path (SMTP inspection, a proxy, an MTU black
# hole) holds the conversation. The short command timeout keeps the probe
# fast.
site "ehlo-stall" {
  method = "direct_send"

  endpoint {
    mx_domain = "contoso.com"
  }

  client {
    helo = "printer-dc.contoso.local"
  }

  envelope {
    from = "dc-printer@contoso.com"
    to   = ["dispatch@contoso.com"]
  }

  timeouts {
    connect = "2s"
    command = "2s"
    total   = "10s"
  }

  expect "banner" {
    code = 220
  }

  expect "ehlo" {
    error = "timeout"
  }
}
