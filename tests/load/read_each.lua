-- Each CodeBlock of the input holds one Markdown text (its first class the reader): replace it by a Div of what the reader makes of it.
function Pandoc(doc)
  local out = {}
  for _, block in ipairs(doc.blocks) do
    local ok, parsed = pcall(pandoc.read, block.text, block.classes[1])
    if ok then
      out[#out + 1] = pandoc.Div(parsed.blocks)
    else
      out[#out + 1] = pandoc.Div({}, pandoc.Attr("", {"error"}))
    end
  end
  return pandoc.Pandoc(out, doc.meta)
end
