package main

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

func TestMain(m *testing.M) {
	code := m.Run()
	stopSharedBrowser()
	os.Exit(code)
}

// browser is the one Chromium that the browser journeys share; each journey works in a browser
// context of its own, so no cookie or storage passes from one journey to the next. It starts
// with the first journey and stops after the last test.
var browser struct {
	once        sync.Once
	ctx         context.Context
	allocCancel context.CancelFunc
	dir         string
	out         syncBuffer
	err         error
}

// sharedBrowser starts the shared Chromium on first use and returns its context.
func sharedBrowser() (context.Context, error) {
	browser.once.Do(func() {
		dir, err := os.MkdirTemp("", "xiangpei-chromium-")
		if err != nil {
			browser.err = err
			return
		}
		browser.dir = dir
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(chromiumPath),
			chromedp.Headless,
			chromedp.NoSandbox,
			chromedp.DisableGPU,
			chromedp.NoFirstRun,
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.Flag("disable-quic", true),
			// A browser in China asks for Chinese; headless Chromium would otherwise send en-US.
			chromedp.Flag("lang", "zh-CN"),
			chromedp.Flag("accept-lang", "zh-CN,zh"),
			chromedp.UserDataDir(dir),
			chromedp.WindowSize(1280, 900),
			chromedp.CombinedOutput(&browser.out),
		)
		allocCtx, allocCancel := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, _ := chromedp.NewContext(allocCtx)
		if err := chromedp.Do(ctx); err != nil { // starts the browser, with no timeout
			allocCancel()
			browser.err = fmt.Errorf("%w\n%s", err, browser.out.String())
			return
		}
		browser.ctx, browser.allocCancel = ctx, allocCancel
	})
	return browser.ctx, browser.err
}

// stopSharedBrowser closes the shared Chromium, if a journey started it, and removes its
// profile.
func stopSharedBrowser() {
	if browser.ctx != nil {
		if err := chromedp.Cancel(browser.ctx); err != nil {
			fmt.Fprintln(os.Stderr, "closing Chromium:", err)
		}
		browser.allocCancel()
	}
	if browser.dir != "" {
		os.RemoveAll(browser.dir)
	}
}
