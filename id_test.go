package xiangpei

import "testing"

func TestNewIDNeverRepeats(t *testing.T) {
	seen := make(map[int64]bool, 200000)
	prev := int64(0)
	for i := 0; i < 200000; i++ {
		id := NewID()
		if seen[id] || id <= prev {
			t.Fatalf("id %d repeated or not increasing after %d", id, prev)
		}
		seen[id], prev = true, id
	}
}
