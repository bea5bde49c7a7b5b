using System.Text;
using TextureBias.Detection;
using Xunit;

namespace TextureBias.Tests.Detection;

public class VocAnnotationTests : TempDirTest
{
    const string Sample = """
        <annotation>
          <folder>VOC2007</folder>
          <filename>000005.jpg</filename>
          <size><width>500</width><height>375</height><depth>3</depth></size>
          <object>
            <name>chair</name><pose>Rear</pose><truncated>0</truncated><difficult>0</difficult>
            <bndbox><xmin>263</xmin><ymin>211</ymin><xmax>324</xmax><ymax>339</ymax></bndbox>
          </object>
          <object>
            <name>chair</name><pose>Unspecified</pose><truncated>1</truncated><difficult>1</difficult>
            <bndbox><xmin>5</xmin><ymin>244</ymin><xmax>67</xmax><ymax>374</ymax></bndbox>
          </object>
          <object>
            <name> person </name>
            <part><name>head</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></part>
            <bndbox><xmin>10.5</xmin><ymin>20</ymin><xmax>30</xmax><ymax>40</ymax></bndbox>
          </object>
        </annotation>
        """;

    string WriteText(string name, string text) => Write(name, Encoding.UTF8.GetBytes(text));

    [Fact]
    public void ReadsObjectsAsParseRec()
    {
        var annotation = VocAnnotation.Load(WriteText("000005.xml", Sample));
        Assert.Equal("000005.jpg", annotation.FileName);
        Assert.Equal(
            [new VocObject("chair", 263, 211, 324, 339, false), new VocObject("chair", 5, 244, 67, 374, true), new VocObject("person", 10.5, 20, 30, 40, false)],
            annotation.Objects);
    }

    [Fact]
    public void AnnotationWithoutObjectsIsEmpty()
    {
        var annotation = VocAnnotation.Load(WriteText("empty.xml", "<annotation><filename>x.jpg</filename></annotation>"));
        Assert.Empty(annotation.Objects);
    }

    static void AssertOneLine(TextureBiasException e, string path, string cause)
    {
        Assert.Contains(path, e.Message);
        Assert.Contains(cause, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.DoesNotContain('\r', e.Message);
    }

    [Fact]
    public void EntityExpansionIsRefused()
    {
        const string laughs = """
            <?xml version="1.0"?>
            <!DOCTYPE lolz [
              <!ENTITY lol "lol">
              <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
              <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
              <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
              <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
            ]>
            <annotation><object><name>&lol9;</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></object></annotation>
            """;
        string path = WriteText("lol.xml", laughs);
        AssertOneLine(Assert.Throws<TextureBiasException>(() => VocAnnotation.Load(path)), path, "DTD");
        string xxe = WriteText("xxe.xml", """<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><annotation><filename>&x;</filename></annotation>""");
        AssertOneLine(Assert.Throws<TextureBiasException>(() => VocAnnotation.Load(xxe)), xxe, "DTD");
    }

    [Theory]
    [InlineData("not xml at all", "not a readable XML")]
    [InlineData("<annotation><object>", "not a readable XML")]
    [InlineData("<svg></svg>", "not <annotation>")]
    [InlineData("<annotation><object><bndbox/></object></annotation>", "no <name>")]
    [InlineData("<annotation><object><name>dog</name></object></annotation>", "no <bndbox>")]
    [InlineData("<annotation><object><name>dog</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax></bndbox></object></annotation>", "no <ymax>")]
    [InlineData("<annotation><object><name>dog</name><bndbox><xmin>a\nb</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></object></annotation>", "<xmin> is 'a b', not a number")]
    [InlineData("<annotation><object><name>dog</name><difficult>yes</difficult><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></object></annotation>", "<difficult> is 'yes'")]
    public void BadFilesAreRefusedInOneLine(string text, string cause)
    {
        string path = WriteText("bad.xml", text);
        AssertOneLine(Assert.Throws<TextureBiasException>(() => VocAnnotation.Load(path)), path, cause);
    }

    [Fact]
    public void HugeAndMissingFilesAreRefused()
    {
        var bytes = Encoding.ASCII.GetBytes("<annotation>" + new string(' ', (int)VocAnnotation.MaxBytes) + "</annotation>");
        string path = Write("huge.xml", bytes);
        AssertOneLine(Assert.Throws<TextureBiasException>(() => VocAnnotation.Load(path)), path, "larger than");
        string missing = Path.Combine(_dir, "missing.xml");
        AssertOneLine(Assert.Throws<TextureBiasException>(() => VocAnnotation.Load(missing)), missing, "no such");
        // A stream is bounded too.
        using var stream = new MemoryStream(bytes);
        AssertOneLine(Assert.Throws<TextureBiasException>(() => VocAnnotation.Parse(stream, "stream.xml")), "stream.xml", "not a readable XML");
    }
}
