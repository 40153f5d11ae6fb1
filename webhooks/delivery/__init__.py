"""Delivery of office alerts: the queue, the outbox protocol, senders and provider clients."""
