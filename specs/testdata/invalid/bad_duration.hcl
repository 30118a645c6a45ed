# Durations that do not parse or are not positive.
site "hq" {
  method = "submission"

  endpoint {
    host = "smtp.office365.com"
  }

  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }

  timeouts {
    connect = "5 seconds"
    command = "0s"
    total   = "-1m"
  }
}
