# Stage labels that are not stages.
site "hq" {
  method = "submission"

  endpoint {
    host = "smtp.office365.com"
  }

  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }

  expect "rpct" {
    code = 550
  }

  expect "helo" {
    capabilities = ["STARTTLS"]
  }

  expect "handshake" {
    version_min = "1.2"
  }
}

# A stage written as the SMTP command it stands for.
site "hq-command-names" {
  method = "direct_send"

  endpoint {
    host = "contoso-com.mail.protection.outlook.com"
  }

  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }

  expect "rcpt_to" {
    code = 550
  }
}
