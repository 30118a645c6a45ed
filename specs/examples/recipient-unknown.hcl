# The lab printer's address book still has a mailbox that was removed.
# The MX refuses it at RCPT with 550 5.4.1 Recipient address rejected
# (Directory-Based Edge Blocking): connecting is not acceptance.
site "recipient-unknown" {
  method = "direct_send"

  endpoint {
    mx_domain = "contoso.com"
  }

  client {
    helo = "printer-lab.contoso.local"
  }

  envelope {
    from = "lab-printer@contoso.com"
    to   = ["former.employee@contoso.com"]
  }

  timeouts {
    connect = "5s"
    command = "10s"
    total   = "60s"
  }

  expect "rcpt" {
    code     = 550
    enhanced = "5.4.1"
    text     = "Recipient address rejected"
  }
}
