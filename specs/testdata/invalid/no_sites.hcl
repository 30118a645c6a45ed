# Only comments: no site is declared here.
