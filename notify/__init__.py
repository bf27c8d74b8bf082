"""Notifications: the transactional outbox, its dispatcher and channels (ERP webhooks,
WeCom and DingTalk group robots), and people's notification preferences."""
