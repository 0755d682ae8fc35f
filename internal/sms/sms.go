// Package sms sends text messages through a pluggable sender. The default sender needs no SMS
// contract: it writes a log line with the masked number, and the platform keeps the message.
package sms

import (
	"context"
	"log/slog"

	"xiangpei"
)

// Sender delivers one text message to a mobile number.
type Sender interface {
	Send(ctx context.Context, phone, text string) error
}

// LogSender is the default sender: it only logs, with the number masked and without the text
// (which may hold a one-time code).
type LogSender struct{ Logger *slog.Logger }

// Send logs that a message would have gone out.
func (s LogSender) Send(ctx context.Context, phone, text string) error {
	l := s.Logger
	if l == nil {
		l = slog.Default()
	}
	l.InfoContext(ctx, "sms sent by the log sender", "to", xiangpei.MaskPhone(phone), "chars", len([]rune(text)))
	return nil
}
