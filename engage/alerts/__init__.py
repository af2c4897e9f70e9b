"""Officers' email alerts: each officer chooses which alerts they get (a daily digest of
new responses, a survey closing in 3 days, an action due, a forum sign-up); an hourly run
queues them in the outbox, each once, with a one-click unsubscribe link."""
