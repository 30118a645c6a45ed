# The reception printer was set up for Direct Send (no credentials) but
# points at smtp.office365.com. Submission refuses anonymous mail at MAIL
# FROM with 530 5.7.57: configure SMTP AUTH, or point the device at the
# tenant's MX on port 25.
site "submission-anonymous" {
  method = "submission"

  endpoint {
    host = "smtp.office365.com"
    port = 587
  }

  client {
    helo = "mfp-reception.contoso.local"
  }

  envelope {
    from = "reception-scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }

  timeouts {
    connect = "5s"
    command = "10s"
    total   = "60s"
  }

  expect "mail" {
    code     = 530
    enhanced = "5.7.57"
    text     = "Client not authenticated"
  }
}
