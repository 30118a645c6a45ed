# Two expectations for one stage, and two endpoint blocks.
site "hq" {
  method = "submission"

  endpoint {
    host = "smtp.office365.com"
  }

  endpoint {
    host = "smtp-legacy.office365.com"
  }

  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }

  expect "rcpt" {
    code = 250
  }

  expect "rcpt" {
    enhanced = "2.1.5"
  }
}
