# At the warehouse the banner and EHLO arrive and STARTTLS is accepted,
# then the TLS handshake hangs: the server's certificate chain (the first
# large packets) never arrives. Firewall inspection or an MTU black hole;
# the verdict says how to tell them apart.
site "tls-stall" {
  method = "direct_send"

  endpoint {
    mx_domain = "contoso.com"
  }

  client {
    helo = "printer-warehouse.contoso.local"
  }

  envelope {
    from = "warehouse-printer@contoso.com"
    to   = ["dispatch@contoso.com"]
  }

  timeouts {
    connect = "2s"
    command = "2s"
    total   = "10s"
  }

  expect "tls" {
    error = "timeout"
  }
}
