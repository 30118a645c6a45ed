# Values of the wrong type.
site "hq" {
  method = "submission"

  endpoint {
    host = "smtp.office365.com"
    port = "five-eight-seven"
  }

  client {
    auth_mechanisms = "LOGIN"
  }

  envelope {
    from         = ["scanner@contoso.com"]
    to           = "frontdesk@contoso.com"
    send_message = "yes"
  }

  expect "rcpt" {
    code = [550]
  }
}
