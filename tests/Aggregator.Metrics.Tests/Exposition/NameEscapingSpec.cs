using System.Text;
using Aggregator.Metrics.Exposition;

namespace Aggregator.Metrics.Tests.Exposition;

public sealed class NameEscapingSpec
{
    private static readonly EscapingScheme[] Schemes = [EscapingScheme.Underscores, EscapingScheme.Dots, EscapingScheme.Values, EscapingScheme.AllowUtf8];

    // prometheus/common model/metric_test.go TestEscapeName: input, underscores, dots, values.
    [Theory]
    [InlineData("", "", "", "")]
    [InlineData("no:escaping_required", "no:escaping_required", "no:escaping__required", "no:escaping_required")]
    [InlineData("mysystem.prod.west.cpu.load", "mysystem_prod_west_cpu_load", "mysystem_dot_prod_dot_west_dot_cpu_dot_load", "U__mysystem_2e_prod_2e_west_2e_cpu_2e_load")]
    [InlineData("mysystem.prod.west.cpu.load_total", "mysystem_prod_west_cpu_load_total", "mysystem_dot_prod_dot_west_dot_cpu_dot_load__total", "U__mysystem_2e_prod_2e_west_2e_cpu_2e_load__total")]
    [InlineData("http.status:sum", "http_status:sum", "http_dot_status:sum", "U__http_2e_status:sum")]
    [InlineData("label with 😱", "label_with__", "label__with____", "U__label_20_with_20__1f631_")]
    [InlineData("花火", "__", "____", "U___82b1__706b_")]
    [InlineData("label with \u0100", "label_with__", "label__with____", "U__label_20_with_20__100_")]
    public void Escape_gives_what_prometheus_common_EscapeName_gives(string name, string underscores, string dots, string values)
    {
        Assert.Equal(underscores, NameEscaping.Escape(name, EscapingScheme.Underscores));
        Assert.Equal(dots, NameEscaping.Escape(name, EscapingScheme.Dots));
        Assert.Equal(values, NameEscaping.Escape(name, EscapingScheme.Values));
        Assert.Equal(name, NameEscaping.Escape(name, EscapingScheme.AllowUtf8));
    }

    // A metric name with '.', '-', '/', non-ASCII letters, a leading digit: its bytes under each scheme, as the
    // exposition writes them before quoting. The allow-utf-8 bytes are the name's own UTF-8.
    [Theory]
    [InlineData("http.server.duration", "underscores", "http_server_duration")]
    [InlineData("http.server.duration", "dots", "http_dot_server_dot_duration")]
    [InlineData("http.server.duration", "values", "U__http_2e_server_2e_duration")]
    [InlineData("http.server.duration", "allow-utf-8", "http.server.duration")]
    [InlineData("my-app_requests", "underscores", "my_app_requests")]
    [InlineData("my-app_requests", "dots", "my__app__requests")]
    [InlineData("my-app_requests", "values", "U__my_2d_app__requests")]
    [InlineData("my-app_requests", "allow-utf-8", "my-app_requests")]
    [InlineData("disk/io", "underscores", "disk_io")]
    [InlineData("disk/io", "dots", "disk__io")]
    [InlineData("disk/io", "values", "U__disk_2f_io")]
    [InlineData("disk/io", "allow-utf-8", "disk/io")]
    [InlineData("größe_bytes", "underscores", "gr__e_bytes")]
    [InlineData("größe_bytes", "dots", "gr____e__bytes")]
    [InlineData("größe_bytes", "values", "U__gr_f6__df_e__bytes")]
    [InlineData("größe_bytes", "allow-utf-8", "größe_bytes")]
    [InlineData("2xx_responses", "underscores", "_xx_responses")]
    [InlineData("2xx_responses", "dots", "__xx__responses")]
    [InlineData("2xx_responses", "values", "U___32_xx__responses")]
    [InlineData("2xx_responses", "allow-utf-8", "2xx_responses")]
    [InlineData("温度.°C", "underscores", "____C")]
    [InlineData("温度.°C", "dots", "_____dot___C")]
    [InlineData("温度.°C", "values", "U___6e29__5ea6__2e__b0_C")]
    public void Metric_names_escape_to_exact_bytes(string name, string scheme, string expected)
    {
        Assert.True(NameEscaping.TryParse(scheme, out var parsed));
        Assert.Equal(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(NameEscaping.EscapeMetricName(name, parsed)));
    }

    [Fact]
    public void Allow_utf_8_keeps_the_names_own_utf_8_bytes()
    {
        Assert.Equal(Convert.FromHexString("67 72 C3 B6 C3 9F 65 5F 62 79 74 65 73".Replace(" ", string.Empty, StringComparison.Ordinal)), Encoding.UTF8.GetBytes(NameEscaping.EscapeMetricName("größe_bytes", EscapingScheme.AllowUtf8)));
        Assert.Equal(Convert.FromHexString("E6B8A9E5BAA62EC2B043"), Encoding.UTF8.GetBytes(NameEscaping.EscapeMetricName("温度.°C", EscapingScheme.AllowUtf8)));
        Assert.Equal(Convert.FromHexString("6C6162656C207769746820F09F98B1"), Encoding.UTF8.GetBytes(NameEscaping.EscapeMetricName("label with 😱", EscapingScheme.AllowUtf8)));
    }

    [Theory]
    [InlineData("no:escaping_required")]
    [InlineData("http_requests_total")]
    [InlineData("_x")]
    public void The_exposition_leaves_legacy_metric_names_alone_under_every_scheme_even_dots(string name)
    {
        foreach (var scheme in Schemes)
        {
            Assert.Equal(name, NameEscaping.EscapeMetricName(name, scheme));
        }
    }

    // Label names are escaped by the label-name character set: ':' is not legacy there.
    [Theory]
    [InlineData("http.method", "http_method", "http_dot_method", "U__http_2e_method")]
    [InlineData("a:b", "a_b", "a__b", "U__a_3a_b")]
    [InlineData("content-type", "content_type", "content__type", "U__content_2d_type")]
    [InlineData("1st", "_st", "__st", "U___31_st")]
    [InlineData("größe", "gr__e", "gr____e", "U__gr_f6__df_e")]
    [InlineData("method", "method", "method", "method")]
    [InlineData("a_b", "a_b", "a_b", "a_b")]
    public void Label_names_escape_by_the_label_name_rules(string name, string underscores, string dots, string values)
    {
        Assert.Equal(underscores, NameEscaping.EscapeLabelName(name, EscapingScheme.Underscores));
        Assert.Equal(dots, NameEscaping.EscapeLabelName(name, EscapingScheme.Dots));
        Assert.Equal(values, NameEscaping.EscapeLabelName(name, EscapingScheme.Values));
        Assert.Equal(name, NameEscaping.EscapeLabelName(name, EscapingScheme.AllowUtf8));
    }

    [Fact]
    public void An_unpaired_surrogate_is_one_invalid_character_and_FFFD_under_values()
    {
        Assert.Equal("a_b", NameEscaping.Escape("a\ud800b", EscapingScheme.Underscores));
        Assert.Equal("a__b", NameEscaping.Escape("a\udc00b", EscapingScheme.Dots));
        Assert.Equal("U__a_FFFD_b", NameEscaping.Escape("a\ud800b", EscapingScheme.Values));
        Assert.Equal("U__a_fffd_b", NameEscaping.Escape("a\ufffdb", EscapingScheme.Values));
    }

    [Theory]
    [InlineData("allow-utf-8", EscapingScheme.AllowUtf8)]
    [InlineData("underscores", EscapingScheme.Underscores)]
    [InlineData("dots", EscapingScheme.Dots)]
    [InlineData("values", EscapingScheme.Values)]
    [InlineData("\"values\"", EscapingScheme.Values)]
    public void Header_values_read_and_write_back(string value, EscapingScheme scheme)
    {
        Assert.True(NameEscaping.TryParse(value, out var parsed));
        Assert.Equal(scheme, parsed);
        Assert.Equal(value.Trim('"'), NameEscaping.HeaderValue(scheme));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("utf-8")]
    [InlineData("Underscores")]
    [InlineData("allow-utf8")]
    public void Anything_else_is_not_a_scheme(string? value)
    {
        Assert.False(NameEscaping.TryParse(value, out var parsed));
        Assert.Equal(EscapingScheme.Underscores, parsed);
    }
}
