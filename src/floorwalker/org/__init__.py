"""Organisation: sites, teams, employees, skills, queues and who serves which queue."""
