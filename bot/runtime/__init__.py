"""The running process: the PTB application and its composition root, webhook, leader
election, health endpoint and metrics, update order, the Bot API transport, start-up."""
