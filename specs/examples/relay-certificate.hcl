# The warehouse MFP relays through an inbound connector that accepts it by
# its TLS client certificate (subject relay.contoso.com, an accepted
# domain), not by a static IP: it presents the certificate during
# STARTTLS, and external recipients are accepted. The report records the
# certificate's subject and SANs and warns 30 days before it expires.
# The key is a secret, named by reference; the certificate is public.
# No certificate or key is committed: `smtpspec demo` issues both at run
# time from its simulator's CA. To try this spec by hand, let the
# simulator issue a pair beside it:
#   smtpspec sim --scenario relay-certificate --ca-out sim-ca.pem \
#     --client-cert-out relay-certificate.pem --client-key-out relay.key
#   export SMTPSPEC_DEMO_CLIENT_KEY="$(cat relay.key)"
# and point the endpoint at the simulator (host = "127.0.0.1", port = 2525,
# server_name = "localhost", ca_file = "sim-ca.pem").
site "relay-certificate" {
  method = "relay"

  endpoint {
    host = "contoso-com.mail.protection.outlook.com"
    port = 25
    tls  = "starttls"
  }

  client {
    helo        = "mfp-warehouse.contoso.local"
    certificate = file("relay-certificate.pem")
    key         = env("SMTPSPEC_DEMO_CLIENT_KEY")
  }

  envelope {
    from = "warehouse@contoso.com"
    to   = ["orders@fabrikam.com"]
  }

  timeouts {
    connect = "5s"
    command = "10s"
    total   = "60s"
  }

  expect "tls" {
    version_min   = "1.2"
    cert_days_min = 30
  }

  expect "rcpt" {
    code     = 250
    enhanced = "2.1.5"
  }
}
