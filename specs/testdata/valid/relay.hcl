# Two sites in one file: a plaintext relay and an implicit-TLS lab endpoint.
site "relay.plain" {
  method = "relay"

  endpoint {
    host = "contoso-com.mail.protection.outlook.com"
    tls  = "none"
  }

  client {
    helo = "printer.contoso.local"
  }

  envelope {
    from = "noreply@contoso.com"
    to   = ["someone@fabrikam.example"]
  }

  expect "connect" {
    error = "timeout"
    text  = "i/o timeout"
  }
}

site "lab_implicit" {
  method = "relay"

  endpoint {
    host        = "127.0.0.1"
    port        = 2465
    tls         = "implicit"
    server_name = "sim.smtpspec.test"
    ca_file     = "ca.pem"
  }

  client {
    tls_min = "1.3"
  }

  envelope {
    from = "lab@contoso.com"
    to   = ["lab@contoso.com"]
  }

  expect "ehlo" {
    capabilities = ["PIPELINING"]
  }
}
