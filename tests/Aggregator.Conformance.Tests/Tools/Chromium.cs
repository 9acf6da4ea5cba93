using Microsoft.Playwright;

namespace Aggregator.Conformance.Tests.Tools;

/// <summary>
/// Debian's Chromium driven by Playwright: Playwright's own browser download cannot work here, so it launches the
/// system binary through <c>ExecutablePath</c>, headless.
/// </summary>
public sealed class Chromium : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;

    private Chromium(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    public static async Task<Chromium> LaunchAsync()
    {
        ExternalTool.Require(ExecutablePath, "chromium");
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ExecutablePath,
                Headless = true,

                // Tests run as root in containers, where Chromium's sandbox cannot start.
                Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
            });
            return new Chromium(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The variance of a PNG's pixel luminance (0–255²), computed by the browser itself on a blank page: a blank or
    /// one-colour screenshot has 0.
    /// </summary>
    public async Task<double> LuminanceVarianceAsync(byte[] png)
    {
        var page = await Browser.NewPageAsync();
        try
        {
            return await page.EvaluateAsync<double>(
                """
                async (data) => {
                  const image = new Image();
                  image.src = 'data:image/png;base64,' + data;
                  await image.decode();
                  const canvas = document.createElement('canvas');
                  canvas.width = image.width;
                  canvas.height = image.height;
                  const context = canvas.getContext('2d');
                  context.drawImage(image, 0, 0);
                  const pixels = context.getImageData(0, 0, image.width, image.height).data;
                  let sum = 0, squares = 0, n = 0;
                  for (let i = 0; i < pixels.length; i += 4) {
                    const y = 0.299 * pixels[i] + 0.587 * pixels[i + 1] + 0.114 * pixels[i + 2];
                    sum += y; squares += y * y; n++;
                  }
                  const mean = sum / n;
                  return squares / n - mean * mean;
                }
                """,
                Convert.ToBase64String(png));
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }
}
