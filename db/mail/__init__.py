"""Mail: the queue and its SMTP delivery, and the texts of the mails of each area."""
