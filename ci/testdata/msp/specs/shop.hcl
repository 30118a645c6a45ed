# The shop's printer sends by Direct Send; a control mailbox proves
# submission from the same network (checklist step 8).
site "shop-ds" {
  method = "direct_send"
  endpoint {
    host        = "127.0.0.1"
    port        = DIRECTSEND_PORT
    server_name = "localhost"
    ca_file     = "sim-ca.pem"
  }
  client {
    helo = "printer-shop.contoso.local"
  }
  envelope {
    from = "shop-printer@contoso.com"
    to   = ["orders@contoso.com"]
  }
  control {
    endpoint {
      host        = "127.0.0.1"
      port        = SUBMISSION_PORT
      server_name = "localhost"
      ca_file     = "sim-ca.pem"
    }
    auth {
      username = "control@contoso.com"
      password = env("SHOP_CONTROL_PASSWORD")
    }
  }
}
