"""Bolt listeners; each module exposes `register(bolt_app, adapter)`.

Every listener acks first and only then works (Slack wants an answer within 3 seconds),
except view submissions, which must validate before the modal may close.
"""
