# The branch's printer sends by Direct Send and needs no secret.
site "branch-ds" {
  method = "direct_send"
  endpoint {
    host        = "127.0.0.1"
    port        = DIRECTSEND_PORT
    server_name = "localhost"
    ca_file     = "sim-ca.pem"
  }
  client {
    helo = "printer-branch.contoso.local"
  }
  envelope {
    from = "branch-printer@contoso.com"
    to   = ["shipping@contoso.com"]
  }
}
