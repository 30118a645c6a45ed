# ca_file naming a device or a huge file is refused after 1 MiB, not read
# forever: validate must always finish.
site "device" {
  method = "relay"

  endpoint {
    host    = "127.0.0.1"
    ca_file = "/dev/zero"
  }

  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }
}
