# Envelope addresses that would break the SMTP command line.
site "hq" {
  method = "submission"

  endpoint {
    host = "smtp.office365.com"
  }

  envelope {
    from = "scanner@contoso.com\r\nRCPT TO:<ceo@contoso.com>"
    to = [
      "front desk@contoso.com",
      "<it@contoso.com>",
      "frontdesk",
      "@contoso.com",
      "",
    ]
  }
}
