import{c as r,s as e}from"./flowDiagram-HODETNUW-AJGMLRvR.js";import{_ as a}from"./mermaid.core-BExKTDe0.js";import"./chunk-5VM5RSS4-KJFz7xaZ.js";import"./chunk-XXDRQBXY-DF8YMBIU.js";import"./chunk-POPQ4Y6H-CoBFbtLz.js";import"./chunk-F27PBJKO-BjgvZMAQ.js";import"./index-CIMoKXvB.js";import"./channel-FBeaLbDJ.js";import"./_commonjsHelpers-CqkleIqs.js";var o=a(t=>`${e(t)}
  .swimlane.cluster rect {
    stroke: ${t.clusterBorder} !important;
  }
  [data-look="neo"].cluster rect {
    filter: none;
  }
`,"getStyles"),m=o,y=r({defaultLayout:"swimlane",styles:m});export{y as diagram};
