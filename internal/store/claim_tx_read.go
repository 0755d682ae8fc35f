package store

import "xiangpei"

// Readers of claims inside a transaction, for callers that act on what they just wrote (the
// demo seed replays claims through review, notice and payment in one transaction, where the
// DB readers cannot see uncommitted rows on SQLite). Scope is not checked: the caller acts
// through the scoped operations.

// LinesOfClaim lists the lines of a claim by name, as the transaction sees them.
func (tx *Tx) LinesOfClaim(claimID int64) ([]xiangpei.ClaimLine, error) {
	rows, err := tx.tx.QueryContext(tx.ctx, `SELECT `+lineCols+lineFrom+` WHERE l.claim_id = $1 ORDER BY p.name, l.id`, claimID)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanLine)
}

// NoticeOfClaim reads the public notice of a claim, as the transaction sees it.
func (tx *Tx) NoticeOfClaim(claimID int64) (Notice, error) {
	n, err := scanNotice(tx.tx.QueryRowContext(tx.ctx, `SELECT `+noticeCols+noticeFrom+` WHERE n.claim_id = $1`, claimID))
	return n, mapError(err, "Notice")
}
