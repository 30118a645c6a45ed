# The satellite office sends Direct Send from a public IP that Microsoft
# 365 has on its block list: RCPT gets 550 5.7.606 banned sending IP.
# Delist at https://sender.office.com, find out why it was listed, or use
# submission on 587 as the control.
site "banned-ip" {
  method = "direct_send"

  endpoint {
    host = "contoso-com.mail.protection.outlook.com"
    port = 25
  }

  client {
    helo = "printer-satellite.contoso.local"
  }

  envelope {
    from = "satellite-printer@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }

  timeouts {
    connect = "5s"
    command = "10s"
    total   = "60s"
  }

  expect "rcpt" {
    code     = 550
    enhanced = "5.7.606"
    text     = "banned sending IP"
  }
}
